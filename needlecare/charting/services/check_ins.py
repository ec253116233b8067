"""The next-day check-in: the patient's answers through their link, the draft adverse events
they imply, and an alert at once for a red flag."""

from django.db import IntegrityError, transaction

from needlecare.audit.services import audit_record
from needlecare.charting.links import CHECK_IN
from needlecare.charting.models import AdverseEvent, CheckIn, Notification, TreatmentSession
from needlecare.charting.services import notices
from needlecare.clinics.selectors import clinic_admins
from needlecare.common.errors import DomainError
from needlecare.outbox.links import LinkRefused, link_use

Draft = tuple[str, str, str]  # category, severity, what the patient said


def _drafts(answers: CheckIn) -> list[Draft]:
    drafts: list[Draft] = []
    if answers.soreness:
        severity = "significant" if answers.soreness >= 8 else "mild"
        drafts.append(("soreness_after", severity, f"Soreness {answers.soreness} out of 10."))
    if answers.bruising:
        drafts.append(("bruising", "mild", "Bruising."))
    if answers.dizziness:
        drafts.append(("vasovagal", "mild", "Dizziness or fainting."))
    if answers.breathing:
        drafts.append(("pneumothorax", "significant", "Shortness of breath or chest pain."))
    if answers.other.strip():
        drafts.append(("other", "mild", answers.other.strip()[:1000]))
    return drafts


def _alert(session: TreatmentSession, event: AdverseEvent) -> None:
    """A red flag: the therapist and the clinic's admins, by email and in the app."""
    people = [session.therapist.user, *clinic_admins(session.clinic)]
    notices.notices_to_staff(notices.STAFF_RED_FLAG, about=event, users=people)
    Notification.objects.bulk_create(
        Notification(
            user=person,
            message=(
                f"{session.patient.full_name} reported shortness of breath or chest pain the "
                f"day after dry needling with {session.therapist.user.full_name}."
            )[:300],
            link=f"/staff/sessions/{session.pk}/",
        )
        for person in dict.fromkeys(people)
    )


def check_in_record(
    *,
    token: str,
    soreness: int,
    bruising: bool,
    dizziness: bool,
    breathing: bool,
    other: str = "",
) -> CheckIn:
    """Record the patient's check-in, once; any effect reported becomes a draft adverse event
    for the therapist to review, and a red flag alerts the clinic at once."""
    if not 0 <= soreness <= 10:
        raise DomainError("check_in.soreness", "Soreness is rated from 0 to 10.", field="soreness")
    try:
        with transaction.atomic():
            session = TreatmentSession.objects.select_related(
                "patient__user", "therapist__user", "clinic"
            ).get(pk=link_use(CHECK_IN, token))
            answers = CheckIn.objects.create(
                session=session,
                soreness=soreness,
                bruising=bruising,
                dizziness=dizziness,
                breathing=breathing,
                other=other.strip(),
            )
            events = AdverseEvent.objects.bulk_create(
                AdverseEvent(
                    session=session,
                    category=category,
                    severity=severity,
                    onset=AdverseEvent.Onset.UNDER_24H,
                    site="",
                    outcome=said,
                    reported_by="The patient (next-day check-in)",
                    review=AdverseEvent.Review.DRAFT,
                )
                for category, severity, said in _drafts(answers)
            )
            audit_record(
                actor=session.patient.user or "patient by check-in link",
                action="check_in.recorded",
                target=session,
                data={"red_flag": answers.red_flag, "drafts": len(events)},
                clinic_ids=[session.clinic_id],
            )
            if answers.red_flag:
                _alert(session, next(e for e in events if e.category == "pneumothorax"))
    except IntegrityError:
        raise LinkRefused("link.used", "This check-in has already been sent. Thank you.") from None
    return answers
