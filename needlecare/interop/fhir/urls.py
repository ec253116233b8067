"""/fhir/R4/: the read-only FHIR server (namespace `fhir`, self-guarded: see views.py)."""

from django.urls import path, re_path

from . import export_views, views

app_name = "fhir"

TYPE = r"(?P<type>[A-Z][A-Za-z]{1,40})"
urlpatterns = [
    path("metadata", views.metadata, name="metadata"),
    path("$export", export_views.export_system, name="export"),
    path("Patient/$export", export_views.export_patients, name="export-patients"),
    re_path(
        r"^Group/(?P<group>[1-9][0-9]{0,9})/\$export$",
        export_views.export_group,
        name="export-group",
    ),
    path("$export-status/<uuid:export_id>", export_views.export_status, name="export-status"),
    path(
        "$export-file/<uuid:export_id>/<str:type>.ndjson",
        export_views.export_file,
        name="export-file",
    ),
    re_path(
        r"^Binary/(?P<kind>consent|letter)-(?P<id>[1-9][0-9]{0,17})$", views.binary, name="binary"
    ),
    re_path(rf"^{TYPE}$", views.search, name="search"),
    re_path(rf"^{TYPE}/(?P<id>[A-Za-z0-9\-.]{{1,64}})$", views.read, name="read"),
    # Anything else under /fhir/R4/ is answered as FHIR too (an OperationOutcome, not a page).
    re_path(r"^.*$", views.unknown, name="unknown"),
]
