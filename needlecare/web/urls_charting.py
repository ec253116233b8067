"""Charting pages: consent, treatment records, adverse events, outcome measures and letters."""

from django.urls import path

from needlecare.web.views import adverse_events, charting, consent, consent_documents, measures

urlpatterns = [
    # Patients
    path("me/consent/", consent.my_consent, name="my-consent"),
    path("me/consent/<int:consent_id>.pdf", consent.my_consent_pdf, name="my-consent-pdf"),
    path("me/measures/", measures.my_measures, name="my-measures"),
    path("me/measures/<slug:code>/", measures.my_measure, name="my-measure"),
    path("me/letters/", measures.my_letters, name="my-letters"),
    path("me/letters/<int:letter_id>.pdf", measures.my_letter_pdf, name="my-letter-pdf"),
    # Staff: consent
    path("staff/patients/<int:patient_id>/consent/", consent.staff_consent, name="staff-consent"),
    path(
        "staff/consents/<int:consent_id>/countersign/",
        consent.countersign,
        name="staff-consent-countersign",
    ),
    path(
        "staff/consents/<int:consent_id>.pdf", consent.staff_consent_pdf, name="staff-consent-pdf"
    ),
    path(
        "staff/clinics/<slug:slug>/consent/",
        consent_documents.consent_document,
        name="staff-consent-document",
    ),
    path(
        "staff/clinics/<slug:slug>/consent/translations/<slug:language>/",
        consent_documents.consent_translation,
        name="staff-consent-translation",
    ),
    path(
        "staff/clinics/<slug:slug>/consent/<int:document_id>/review/",
        consent_documents.consent_translation_reviewed,
        name="staff-consent-translation-review",
    ),
    # Staff: treatment records
    path(
        "staff/appointments/<int:appointment_id>/session/",
        charting.session_open,
        name="staff-session-open",
    ),
    path("staff/sessions/<int:session_id>/", charting.session_detail, name="staff-session"),
    path(
        "staff/sessions/<int:session_id>/details/",
        charting.session_details,
        name="staff-session-details",
    ),
    path(
        "staff/sessions/<int:session_id>/needling/",
        charting.session_needling,
        name="staff-session-needling",
    ),
    path("staff/sessions/<int:session_id>/sign/", charting.session_sign, name="staff-session-sign"),
    path(
        "staff/sessions/<int:session_id>/addenda/",
        charting.session_addendum,
        name="staff-session-addendum",
    ),
    path(
        "staff/sessions/<int:session_id>/adverse-events/",
        charting.session_adverse_event,
        name="staff-session-adverse-event",
    ),
    path(
        "staff/clinics/<slug:slug>/adverse-events/",
        adverse_events.adverse_events,
        name="staff-adverse-events",
    ),
    # Staff: outcome measures and letters
    path(
        "staff/patients/<int:patient_id>/measures/",
        measures.staff_measures,
        name="staff-measures",
    ),
    path(
        "staff/patients/<int:patient_id>/measures/<slug:code>/",
        measures.staff_measure,
        name="staff-measure",
    ),
    path(
        "staff/patients/<int:patient_id>/letters/",
        measures.staff_letters,
        name="staff-letters",
    ),
    path("staff/letters/<int:letter_id>.pdf", measures.staff_letter_pdf, name="staff-letter-pdf"),
]
