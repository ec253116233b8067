from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from needlecare.demo.data import DEMO_PASSWORD
from needlecare.demo.second_factor import demo_totp_secret
from needlecare.demo.services import demo_load


class Command(BaseCommand):
    help = (
        "Load the demo practice: both clinics, staff, patients, a year of history and the "
        "next two weeks. Safe to run twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load demo accounts even when NEEDLECARE_ENV=production.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION and not options["allow_production"]:
            raise CommandError(
                "Refusing to load demo accounts in production (use --allow-production)."
            )
        result = demo_load()
        if result.created:
            self.stdout.write("Loaded the demo practice. It now holds:")
            for line in result.summary:
                self.stdout.write(f"  {line}")
        else:
            self.stdout.write("The demo practice is already loaded; nothing to add.")
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for role, email, where in result.logins:
            self.stdout.write(f"  {role:<13} {email:<45} {where}")
        self.stdout.write(
            "\nStaff sign in with a second factor too. Add this demo key to an authenticator "
            "app\n(manual entry, time-based, 6 digits, 30 seconds); it serves every demo staff "
            f"login:\n  {demo_totp_secret()}\n"
            "Patients sign in with the password alone unless they turn two-step sign-in on."
        )
