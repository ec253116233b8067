"""Who may reach an integration token: found only among the clinic's own."""

from django.http import Http404

from needlecare.clinics.models import Clinic
from needlecare.interop.models import FhirToken


def access_clinic_fhir_token(clinic: Clinic, token_id: int) -> FhirToken:
    """One of the clinic's FHIR tokens, else not found (another clinic's too)."""
    token = FhirToken.objects.filter(clinic=clinic, pk=token_id).select_related("clinic").first()
    if token is None:
        raise Http404("No such FHIR token.")
    return token
