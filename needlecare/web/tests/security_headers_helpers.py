"""What every response must carry: a Content-Security-Policy with no 'unsafe-inline' in its
script and style sources and frame-ancestors 'none', X-Frame-Options DENY, nosniff, a
Referrer-Policy, and (in production, over https) Strict-Transport-Security for a year."""

from collections.abc import Mapping

SAFE_REFERRER_POLICIES = {"same-origin", "no-referrer", "strict-origin-when-cross-origin"}
YEAR = 60 * 60 * 24 * 365
WRONG_PASSWORD = "not-the-password-at-all"


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def header_problems(headers: Mapping[str, str], *, hsts: bool) -> list[str]:
    """Each missing or weak header, in words (none: all is well)."""
    problems = []
    csp = headers.get("Content-Security-Policy")
    if not csp:
        return ["no Content-Security-Policy", *_others(headers, hsts=hsts)]
    directives = csp_directives(csp)
    for name in ("default-src", "script-src", "style-src"):
        if name not in directives and name != "default-src" and "default-src" in directives:
            continue
        sources = directives.get(name)
        if sources is None:
            problems.append(f"CSP has no {name}")
        elif "'unsafe-inline'" in sources or "'unsafe-eval'" in sources or "*" in sources:
            problems.append(f"CSP {name} allows {sources}")
    if directives.get("frame-ancestors") != ["'none'"]:
        problems.append(f"CSP frame-ancestors is {directives.get('frame-ancestors')}")
    if directives.get("object-src") != ["'none'"]:
        problems.append(f"CSP object-src is {directives.get('object-src')}")
    return problems + _others(headers, hsts=hsts)


def _others(headers: Mapping[str, str], *, hsts: bool) -> list[str]:
    problems = []
    if headers.get("X-Frame-Options") != "DENY":
        problems.append(f"X-Frame-Options is {headers.get('X-Frame-Options')}")
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append(f"X-Content-Type-Options is {headers.get('X-Content-Type-Options')}")
    if headers.get("Referrer-Policy") not in SAFE_REFERRER_POLICIES:
        problems.append(f"Referrer-Policy is {headers.get('Referrer-Policy')}")
    sts = headers.get("Strict-Transport-Security")
    if hsts:
        ages = [p.strip()[8:] for p in (sts or "").split(";") if p.strip().startswith("max-age=")]
        if not ages or int(ages[0]) < YEAR or "includeSubDomains" not in (sts or ""):
            problems.append(f"Strict-Transport-Security is {sts}")
    return problems
