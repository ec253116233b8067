"""What carries resources: Bundle (searchset), OperationOutcome, CapabilityStatement. Pure.

- bundle(): a searchset with `total`, `link` self (and next, previous when given), each entry
  with an absolute `fullUrl` ("{base}/{type}/{id}") and search.mode "match" or "include".
- operation_outcome(): one issue: severity, code (FHIR issue-type), diagnostics.
- capability_statement(): a server (kind "instance", fhirVersion 4.0.1, JSON only) listing
  each supported type with read and search-type, its search parameters and _include values,
  and the system-level operations (e.g. $export) given.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from .common import JSON, compact, instant

FHIR_VERSION = "4.0.1"
JSON_FORMATS = ["application/fhir+json", "json"]
ISSUE_SEVERITIES = ("fatal", "error", "warning", "information")


@dataclass(frozen=True, slots=True)
class SearchParam:
    name: str  # e.g. "patient", "date", "_count"
    type: str  # FHIR search param type: "reference", "date", "token", "string", "number", ...
    documentation: str = ""


@dataclass(frozen=True, slots=True)
class Operation:
    name: str  # without the "$", e.g. "export"
    definition: str  # the OperationDefinition's canonical URL


@dataclass(frozen=True, slots=True)
class ResourceSupport:
    type: str  # e.g. "Patient"
    search_params: tuple[SearchParam, ...] = ()
    includes: tuple[str, ...] = ()  # e.g. ("Appointment:patient",)
    operations: tuple[Operation, ...] = ()  # type-level, e.g. Patient/$export
    profile: str = ""


def full_url(base: str, resource: JSON) -> str:
    return f"{base.rstrip('/')}/{resource['resourceType']}/{resource['id']}"


def bundle(
    resources: Sequence[JSON],
    *,
    resource_url: str,
    self_url: str,
    total: int | None = None,
    next_url: str | None = None,
    previous_url: str | None = None,
    included: Sequence[JSON] = (),
    timestamp: dt.datetime | None = None,
) -> JSON:
    """A searchset Bundle. resource_url is the server's base, e.g. https://x/fhir/R4."""
    links = [{"relation": "self", "url": self_url}]
    if next_url:
        links.append({"relation": "next", "url": next_url})
    if previous_url:
        links.append({"relation": "previous", "url": previous_url})
    entries = [
        {"fullUrl": full_url(resource_url, r), "resource": r, "search": {"mode": mode}}
        for mode, group in (("match", resources), ("include", included))
        for r in group
    ]
    return compact(
        {
            "resourceType": "Bundle",
            "type": "searchset",
            "timestamp": instant(timestamp) if timestamp else None,
            "total": total,
            "link": links,
            "entry": entries,
        }
    )


def operation_outcome(severity: str, code: str, diagnostics: str = "") -> JSON:
    """One issue; code is an IssueType: "invalid", "not-found", "login", "not-supported", ..."""
    if severity not in ISSUE_SEVERITIES:
        raise ValueError(f"unknown issue severity {severity!r}")
    issue = compact({"severity": severity, "code": code, "diagnostics": diagnostics})
    return {"resourceType": "OperationOutcome", "issue": [issue]}


def _resource_entry(support: ResourceSupport) -> JSON:
    return compact(
        {
            "type": support.type,
            "profile": support.profile,
            "interaction": [{"code": "read"}, {"code": "search-type"}],
            "versioning": "no-version",
            "readHistory": False,
            "searchInclude": list(support.includes),
            "searchParam": [
                compact({"name": p.name, "type": p.type, "documentation": p.documentation})
                for p in support.search_params
            ],
            "operation": [{"name": o.name, "definition": o.definition} for o in support.operations],
        }
    )


def capability_statement(
    resources: Sequence[ResourceSupport],
    *,
    base_url: str,
    date: dt.datetime,
    software_version: str = "",
    operations: Sequence[Operation] = (),
    instantiates: Sequence[str] = (),
    security: str = "",
) -> JSON:
    """What the server supports, exactly: read and search of `resources`, JSON only."""
    rest = compact(
        {
            "mode": "server",
            "documentation": "Read-only FHIR R4 access to the practice's dry needling records.",
            "security": compact({"cors": False, "description": security}) if security else None,
            "resource": [_resource_entry(r) for r in resources],
            "operation": [{"name": o.name, "definition": o.definition} for o in operations],
        }
    )
    return compact(
        {
            "resourceType": "CapabilityStatement",
            "status": "active",
            "date": instant(date),
            "publisher": "needlecare",
            "kind": "instance",
            "instantiates": list(instantiates),
            "software": compact({"name": "needlecare", "version": software_version}),
            "implementation": {"description": "needlecare FHIR R4 server", "url": base_url},
            "fhirVersion": FHIR_VERSION,
            "format": JSON_FORMATS,
            "rest": [rest],
        }
    )
