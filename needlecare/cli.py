"""The `needlecare` command: Django's manage.py with the settings preset."""

import os
import sys


def main() -> None:
    if sys.argv[1:2] == ["screen"]:
        # Screening is pure computation: answer without starting Django (see screening.cli).
        from needlecare.screening.cli import main as screen

        sys.exit(screen(sys.argv[2:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "needlecare.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
