"""The baseline for benchmarks/http.py: a bare one-view Django app returning two clinics as JSON
(no database, no middleware), served by exactly what serves needlecare (`needlecare serve`'s
gunicorn settings and body limit), so the ratio measures needlecare and nothing else.

    .venv/bin/python benchmarks/bare_app.py HOST:PORT [--workers N] [--threads N]
"""

import os
import sys

# Run as a script, this folder is first on the path, where benchmarks/http.py would hide the
# standard library's `http` package that Django imports: take it off.
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [entry for entry in sys.path if os.path.abspath(entry or ".") != HERE]

import argparse
import json
from pathlib import Path

import django
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import path

CLINICS = [
    {
        "slug": "foxboro",
        "name": "Foxboro",
        "address": "1 Main Street, Foxboro, MA 02035",
        "phone": "508-555-0100",
        "time_zone": "America/New_York",
        "hours_are_demo": True,
        "opening_hours": [{"weekday": d, "opens": "08:00", "closes": "18:00"} for d in range(5)],
    },
    {
        "slug": "stoughton",
        "name": "Stoughton",
        "address": "1 Park Street, Stoughton, MA 02072",
        "phone": "781-555-0100",
        "time_zone": "America/New_York",
        "hours_are_demo": True,
        "opening_hours": [{"weekday": d, "opens": "07:00", "closes": "19:00"} for d in range(5)],
    },
]


def clinics(request: HttpRequest) -> HttpResponse:
    return HttpResponse(json.dumps(CLINICS), content_type="application/json")


urlpatterns = [path("clinics/", clinics)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("address")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    settings.configure(
        DEBUG=False,
        SECRET_KEY="bare-benchmark-app",  # noqa: S106 - a throwaway benchmark app
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=[],
        INSTALLED_APPS=[],
        DATABASES={},
        NEEDLECARE_MAX_REQUEST_BODY=6 * 1024 * 1024,
    )
    django.setup()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from django.core.wsgi import get_wsgi_application

    from needlecare.web.management.commands.serve import (
        BodyLimit,
        Server,
        body_limit,
        parse_address,
        server_options,
    )

    host, port = parse_address(args.address)
    options = server_options(host, port, args.workers, args.threads)
    options["proc_name"] = "bare-app"  # the rest as needlecare's, access log included
    Server(BodyLimit(get_wsgi_application(), body_limit()), options).run()


if __name__ == "__main__":
    main()
