"""A clinic admin's FHIR integration tokens: the list, making one, and revoking one.

A new token is shown once, on the page that answers the form; only its hash is stored, so no
later page (and no session) can show it again. Tokens are found only among the clinic's own
(`access_clinic_fhir_token`); another clinic's id is not found.
"""

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from needlecare.accounts.access import AuthedRequest, allow
from needlecare.accounts.models import Role
from needlecare.clinics.access import access_clinic
from needlecare.common.errors import DomainError
from needlecare.interop.access import access_clinic_fhir_token
from needlecare.interop.models import FhirToken
from needlecare.interop.selectors import fhir_tokens_of
from needlecare.interop.services import (
    FHIR_TOKEN_DAYS,
    FHIR_TOKEN_MAX_DAYS,
    FHIR_TOKEN_NAME_MAX,
    fhir_token_create,
    fhir_token_revoke,
)
from needlecare.web.forms import attempt

ADMIN = (Role.CLINIC_ADMIN,)
FHIR_BASE = "/fhir/R4/"


class FhirTokenForm(forms.Form):
    name = forms.CharField(
        max_length=FHIR_TOKEN_NAME_MAX,
        label="Who will hold it",
        help_text="The system or team, e.g. “Dr Patel’s EHR” or “Regional health exchange”.",
    )
    days = forms.IntegerField(
        min_value=1,
        max_value=FHIR_TOKEN_MAX_DAYS,
        initial=FHIR_TOKEN_DAYS,
        label="Days it works",
        help_text=f"1 to {FHIR_TOKEN_MAX_DAYS}; make a new one before it runs out.",
    )


@dataclass(frozen=True)
class TokenRow:
    token: FhirToken
    state: str  # active, expired or revoked


@allow(Role.CLINIC_ADMIN)
def token_list(request: AuthedRequest, slug: str) -> HttpResponse:
    clinic = access_clinic(request.user, slug, roles=ADMIN)
    form = FhirTokenForm(request.POST or None)
    outcome = attempt(
        form,
        lambda: fhir_token_create(
            clinic=clinic,
            name=form.cleaned_data["name"],
            by=request.user,
            days=form.cleaned_data["days"],
        ),
    )
    new, raw = outcome.value if outcome.value is not None else (None, "")
    if outcome.done:
        form = FhirTokenForm()  # the next token starts from a blank form
    now = timezone.now()
    context = {
        "clinic": clinic,
        "form": form,
        "rows": [TokenRow(token=t, state=t.state(now)) for t in fhir_tokens_of(clinic)],
        # Shown on this answer only: nothing keeps it for a later page.
        "new": new,
        "raw": raw,
        "fhir_base": request.build_absolute_uri(FHIR_BASE),
    }
    return render(request, "staff_admin/fhir_tokens.html", context, status=outcome.status)


@allow(Role.CLINIC_ADMIN)
@require_POST
def token_revoke(request: AuthedRequest, slug: str, token_id: int) -> HttpResponse:
    clinic = access_clinic(request.user, slug, roles=ADMIN)
    token = access_clinic_fhir_token(clinic, token_id)
    try:
        fhir_token_revoke(token=token, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            f"The token “{token.name}” is revoked: whatever held it can no longer read "
            f"{clinic.name}’s records.",
        )
    return redirect("staff-admin-fhir-tokens", clinic.slug)
