"""Screening, consent and treatment: QuestionnaireResponse, RiskAssessment, Consent, Procedure.
Pure: plain values in, FHIR R4 dictionaries out.

Where needlecare's fields land:

- A screening is two resources with the screening's id:
  - QuestionnaireResponse: the planned regions -> item "planned_regions" (valueCoding,
    needlecare's screening-region code system); each condition of the questionnaire -> an item
    (linkId the condition code, text the question, valueBoolean whether reported) with, where
    the patient said where, a nested item "{code}.where" of regions; the clearances on record
    -> item "physician_clearances"; entered_at -> authored; who entered it -> author.
  - RiskAssessment: the decision per planned region -> prediction (outcome in needlecare's
    screening-decision code system, the region in extension screening-region, the reasons'
    messages in rationale); the policy version -> method; the overall decision -> note; the
    precautions' messages -> mitigation; basis the QuestionnaireResponse.
- Consent: scope consentscope "treatment", category LOINC 59284-0 (Patient consent); the
  document version -> policy[0].uri and sourceAttachment.title; the signed PDF ->
  sourceAttachment (url from the caller); signed_at -> dateTime and provision.period.start;
  signed_at + valid_days -> provision.period.end (status "inactive" once it has passed);
  the therapist's countersignature -> verification.
- Procedure (a signed session): CPT 20560 (1 or 2 muscles) or 20561 (3 or more), counting
  distinct (muscle, side) as charting's billing_code does; each needled muscle -> bodySite
  (text "Left Infraspinatus"; laterality as SNOMED 7771000 Left / 24028007 Right in
  extension laterality; midline stays text only, and muscles are text only: no SNOMED code is
  guessed); the visit's start/end -> performedPeriod; the therapist -> performer (on behalf
  of the clinic's Organization); the clinic -> location; the appointment -> extension
  appointment (R4 Procedure has no element for it); the plan -> followUp; advice, immediate
  response and each muscle's needling details -> note.
"""

import datetime as dt

from ..values import ConsentValue, Region, ScreeningValue, SessionValue
from .common import (
    CPT,
    EXTENSION,
    HL7,
    JSON,
    LOCAL,
    LOINC,
    SNOMED,
    coding,
    compact,
    concept,
    instant,
    local,
    ref,
    text_only,
)

QUESTIONNAIRE = f"{LOCAL}/Questionnaire/dry-needling-screening"
DECISION_LABELS = {
    "eligible": "Eligible",
    "proceed_with_precautions": "Proceed with precautions",
    "physician_clearance_required": "Physician clearance required",
    "contraindicated": "Contraindicated",
}
CPT_DISPLAY = {
    "20560": "Needle insertion(s) without injection(s); 1 or 2 muscle(s)",
    "20561": "Needle insertion(s) without injection(s); 3 or more muscles",
}
# SNOMED CT laterality qualifiers; "midline" has no code here and stays text.
LATERALITY = {"left": ("7771000", "Left"), "right": ("24028007", "Right")}


def _region(region: Region) -> JSON:
    return coding(f"{LOCAL}/CodeSystem/screening-region", region.code, region.label)


def questionnaire_response_resource(value: ScreeningValue) -> JSON:
    items: list[JSON] = [
        {
            "linkId": "planned_regions",
            "text": "Where is needling planned?",
            "answer": [{"valueCoding": _region(r)} for r in value.planned],
        }
    ]
    for answer in value.answers:
        reply: JSON = {"valueBoolean": answer.reported}
        if answer.where:
            reply["item"] = [
                {
                    "linkId": f"{answer.code}.where",
                    "text": "Where on the body?",
                    "answer": [{"valueCoding": _region(r)} for r in answer.where],
                }
            ]
        items.append({"linkId": answer.code, "text": answer.question, "answer": [reply]})
    if value.clearances:
        items.append(
            {
                "linkId": "physician_clearances",
                "text": "Conditions a physician's recommendation is on record for",
                "answer": [
                    {"valueCoding": coding(f"{LOCAL}/CodeSystem/screening-condition", code)}
                    for code in value.clearances
                ],
            }
        )
    return compact(
        {
            "resourceType": "QuestionnaireResponse",
            "id": str(value.id),
            "questionnaire": QUESTIONNAIRE,
            "status": "completed",
            "subject": ref("Patient", value.patient_id),
            "authored": instant(value.entered_at),
            "author": {"display": value.entered_by} if value.entered_by else None,
            "item": items,
        }
    )


def risk_assessment_resource(value: ScreeningValue) -> JSON:
    predictions = [
        {
            "extension": [
                {"url": f"{EXTENSION}/screening-region", "valueCoding": _region(d.region)}
            ],
            "outcome": local("screening-decision", d.decision, DECISION_LABELS[d.decision]),
            "rationale": " ".join(d.reasons) or "No reported condition reaches this region.",
        }
        for d in value.decisions
    ]
    overall = DECISION_LABELS.get(value.overall, value.overall)
    return compact(
        {
            "resourceType": "RiskAssessment",
            "id": str(value.id),
            "status": "final",
            "method": local("screening-policy", value.policy_version, value.policy_version),
            "code": text_only("Dry needling safety screening"),
            "subject": ref("Patient", value.patient_id),
            "occurrenceDateTime": instant(value.entered_at),
            "basis": [ref("QuestionnaireResponse", value.id)],
            "prediction": predictions,
            "mitigation": " ".join(value.precautions),
            "note": [{"text": f"Overall: {overall}"}],
        }
    )


def consent_resource(value: ConsentValue, *, now: dt.datetime) -> JSON:
    """The signature on one consent document version; "inactive" once its period has passed."""
    period = {"start": instant(value.signed_at), "end": instant(value.valid_until)}
    verification = []
    if value.countersigned_by is not None and value.countersigned_at is not None:
        verification.append(
            {
                "verified": True,
                "verifiedWith": ref("Practitioner", value.countersigned_by),
                "verificationDate": instant(value.countersigned_at),
            }
        )
    title = f"{value.document_title}, version {value.document_version}"
    if value.covers_thorax:
        title += " (covers needling of the chest and upper back)"
    return compact(
        {
            "resourceType": "Consent",
            "id": str(value.id),
            "status": "active" if value.valid_until >= now else "inactive",
            "scope": concept(f"{HL7}/consentscope", "treatment", "Treatment"),
            "category": [concept(LOINC, "59284-0", "Patient Consent")],
            "patient": ref("Patient", value.patient_id),
            "dateTime": instant(value.signed_at),
            "performer": [ref("Patient", value.patient_id, value.signed_name)],
            "organization": [ref("Organization", value.clinic_id)],
            "sourceAttachment": {
                "contentType": "application/pdf",
                "language": value.language,
                "url": value.pdf_url,
                "title": title,
                "creation": instant(value.signed_at),
            },
            "policy": [
                {
                    "authority": f"{LOCAL}/Organization/{value.clinic_id}",
                    "uri": f"{LOCAL}/consent-document/{value.document_id}"
                    f"/version/{value.document_version}",
                }
            ],
            "verification": verification,
            "provision": {"type": "permit", "period": period},
        }
    )


def billing_code(value: SessionValue) -> str | None:
    """CPT by the muscles needled, each (muscle, side) once: 20560 for 1-2, 20561 for 3+."""
    count = len({(m.muscle, m.side) for m in value.muscles})
    if count == 0:
        return None
    return "20560" if count <= 2 else "20561"


def body_site(muscle: str, side: str) -> JSON:
    """A needled muscle as text, with its laterality coded where SNOMED CT has it."""
    name = muscle if side == "midline" else f"{side.capitalize()} {muscle[:1].lower()}{muscle[1:]}"
    site: JSON = {"text": f"{name} (midline)" if side == "midline" else name}
    if side in LATERALITY:
        code, display = LATERALITY[side]
        site["extension"] = [
            {
                "url": f"{EXTENSION}/laterality",
                "valueCodeableConcept": concept(SNOMED, code, display),
            }
        ]
    return site


def procedure_resource(value: SessionValue) -> JSON:
    cpt = billing_code(value)
    if cpt is None:
        code = text_only("Dry needling session (no muscle needled)")
    else:
        code = concept(CPT, cpt, CPT_DISPLAY[cpt], "Dry needling")
    sites = dict.fromkeys((m.name, m.side) for m in value.muscles)
    notes = [*value.notes, *(f"{m.name} ({m.side}): {m.detail}" for m in value.muscles)]
    return compact(
        {
            "resourceType": "Procedure",
            "id": str(value.id),
            "extension": [
                {
                    "url": f"{EXTENSION}/appointment",
                    "valueReference": ref("Appointment", value.appointment_id),
                }
            ],
            "status": "completed",
            "code": code,
            "subject": ref("Patient", value.patient_id),
            "performedPeriod": {"start": instant(value.start), "end": instant(value.end)},
            "recorder": ref("Practitioner", value.therapist_id, value.therapist_name),
            "performer": [
                {
                    "actor": ref("Practitioner", value.therapist_id, value.therapist_name),
                    "onBehalfOf": ref("Organization", value.clinic_id),
                }
            ],
            "location": ref("Location", value.clinic_id),
            "bodySite": [body_site(name, side) for name, side in sites],
            "followUp": [text_only(value.plan)] if value.plan else [],
            "note": [{"text": n, "time": instant(value.signed_at)} for n in notes if n],
        }
    )
