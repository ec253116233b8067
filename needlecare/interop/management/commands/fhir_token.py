"""`needlecare fhir_token create|list|revoke`: FHIR integration tokens from the command line.

`create` prints the token alone on standard output (so `TOKEN=$(needlecare fhir_token create
...)` works) and a note on standard error; the token is never shown again. Bad input exits with
status 2 and one line on standard error.
"""

from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from needlecare.clinics.models import Clinic
from needlecare.common.errors import DomainError
from needlecare.common.time import clinic_zone
from needlecare.interop.models import FhirToken
from needlecare.interop.services import (
    FHIR_TOKEN_DAYS,
    FHIR_TOKEN_MAX_DAYS,
    fhir_token_create,
    fhir_token_revoke,
)

COLUMNS = ("id", "clinic", "name", "state", "expires", "last used")


class _OneLineParser(CommandParser):
    """A subcommand's parser whose refusals are one line and status 2, not usage and help."""

    def error(self, message: str) -> NoReturn:
        if self.called_from_command_line:
            self.exit(2, f"{self.prog}: error: {message}\n")
        raise CommandError(f"Error: {message}", returncode=2)


def _refuse(message: str) -> NoReturn:
    raise CommandError(message, returncode=2)


def _clinic(slug: str) -> Clinic:
    clinic = Clinic.objects.filter(slug=slug).first()
    if clinic is None:
        known = ", ".join(Clinic.objects.order_by("slug").values_list("slug", flat=True))
        _refuse(f'no clinic "{slug}" (the clinics are: {known or "none yet"})')
    return clinic


def _when(token: FhirToken, value: Any) -> str:
    if value is None:
        return "never"
    return str(timezone.localtime(value, clinic_zone(token.clinic)).strftime("%Y-%m-%d %H:%M %Z"))


class Command(BaseCommand):
    help = (
        "Make, list and revoke the bearer tokens other systems use to read one clinic's records "
        "through FHIR at /fhir/R4/. Only a token's hash is stored: it is shown once."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(
            dest="action", required=True, metavar="create|list|revoke", parser_class=_OneLineParser
        )
        create = actions.add_parser("create", help="make a token and print it, once")
        create.add_argument("--clinic", required=True, metavar="SLUG", help="whose records")
        create.add_argument("--name", required=True, help="who holds it, e.g. 'Regional HIE'")
        create.add_argument(
            "--days",
            type=int,
            default=FHIR_TOKEN_DAYS,
            metavar="N",
            help=f"how long it works (1 to {FHIR_TOKEN_MAX_DAYS}, default {FHIR_TOKEN_DAYS})",
        )
        listing = actions.add_parser("list", help="the tokens, never their secrets")
        listing.add_argument("--clinic", metavar="SLUG", help="one clinic's only")
        revoke = actions.add_parser("revoke", help="stop a token working at once")
        revoke.add_argument("id", type=int, metavar="ID", help="the id `list` shows")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            self._create(options["clinic"], options["name"], options["days"])
        elif action == "list":
            self._list(options["clinic"])
        else:
            self._revoke(options["id"])

    def _create(self, slug: str, name: str, days: int) -> None:
        clinic = _clinic(slug)
        try:
            token, raw = fhir_token_create(clinic=clinic, name=name, by=None, days=days)
        except DomainError as error:
            _refuse(error.message)
        self.stderr.write(
            f"{token} (id {token.pk}), until {_when(token, token.expires_at)}: the token is "
            "shown once, below; only its hash is kept.",
            style_func=lambda text: text,
        )
        self.stdout.write(raw)

    def _list(self, slug: str | None) -> None:
        tokens = FhirToken.objects.select_related("clinic").order_by("clinic__slug", "-created_at")
        if slug is not None:
            tokens = tokens.filter(clinic=_clinic(slug))
        now = timezone.now()
        self.stdout.write("\t".join(COLUMNS))
        for token in tokens:
            row = (
                str(token.pk),
                token.clinic.slug,
                token.name,
                token.state(now),
                _when(token, token.expires_at),
                _when(token, token.last_used_at),
            )
            self.stdout.write("\t".join(row))

    def _revoke(self, token_id: int) -> None:
        token = FhirToken.objects.select_related("clinic").filter(pk=token_id).first()
        if token is None:
            _refuse(f"no FHIR token with id {token_id} (`needlecare fhir_token list` shows them)")
        was_revoked = token.revoked_at is not None
        fhir_token_revoke(token=token, by=None)
        self.stdout.write(
            f"{token} was already revoked." if was_revoked else f"{token} is revoked."
        )
