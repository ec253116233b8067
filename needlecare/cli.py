"""The `needlecare` command: Django's manage.py with the settings preset."""

import os
import sys

# Everything the command creates (the SQLite database and its journal, stored letters and
# consent PDFs, backups, collected static files) is readable by the service's user only.
PRIVATE_UMASK = 0o077


def _keep_data_private() -> None:
    """The data directory (which may predate this rule) is its user's alone, like its files."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        data_dir = settings.DATA_DIR
    except ImproperlyConfigured:
        return  # Django says what is missing when the command starts
    try:
        if data_dir.is_dir() and data_dir.stat().st_uid == os.getuid():
            data_dir.chmod(0o700)
    except OSError:
        return


def main() -> None:
    os.umask(PRIVATE_UMASK)
    if sys.argv[1:2] == ["screen"]:
        # Screening is pure computation: answer without starting Django (see screening.cli).
        from needlecare.screening.cli import main as screen

        sys.exit(screen(sys.argv[2:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "needlecare.settings")
    _keep_data_private()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
