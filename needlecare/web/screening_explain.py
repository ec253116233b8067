"""Plain words for a screening result: what each region's decision means and what to do next."""

from typing import Any

from django.utils.translation import gettext_lazy

from needlecare.screening.models import Screening
from needlecare.screening.policy import CONDITION_INFO, REGION_LABELS, Decision, Reason
from needlecare.screening.wording import policy_text

HEADLINES = {
    "eligible": gettext_lazy("Dry needling can be offered here"),
    "proceed_with_precautions": gettext_lazy("Dry needling can be offered here, with extra care"),
    "physician_clearance_required": gettext_lazy("Your physician's recommendation is needed first"),
    "contraindicated": gettext_lazy("Dry needling cannot be offered here"),
}

NEXT_STEPS = {
    "eligible": gettext_lazy("You can book a visit with a therapist certified in dry needling."),
    "proceed_with_precautions": gettext_lazy(
        "You can book. Your therapist will go over the points below with you before treatment "
        "and adjust the needles, depth or positions to keep you safe."
    ),
    "physician_clearance_required": gettext_lazy(
        "Ask your physician whether dry needling is appropriate for you. If they agree, ask "
        "for a short letter recommending it, naming the condition below, and bring it to the "
        "clinic or have it faxed. The front desk will add it to your record and you can then "
        "book."
    ),
    "contraindicated": gettext_lazy(
        "For your safety this area cannot be needled. Call the clinic: your therapist can "
        "suggest other treatments, such as manual therapy and exercise. If the reason is "
        "temporary (a rash, a wound, a spray tan), you can screen again once it has cleared."
    ),
}


# How staff pages name decisions and effects: clinicians' words, never the codes.
DECISION_LABELS = {
    "eligible": "Eligible",
    "proceed_with_precautions": "Eligible, with precautions",
    "physician_clearance_required": "Physician clearance required",
    "contraindicated": "Contraindicated",
}
EFFECT_LABELS = {
    "precaution": "Precaution",
    "physician_clearance_required": "Physician clearance required",
    "contraindicated": "Contraindicated",
}


def shared_reasons(decision: Decision) -> tuple[Reason, ...]:
    """Reasons that reach every planned area, stated once rather than under each area."""
    planned = set(decision.planned_regions)
    if len(planned) < 2:
        return ()
    return tuple(r for r in decision.reasons if set(r.regions) == planned)


def clinical(reason: Reason, screening: Screening) -> str:
    """'Physician clearance required: cancer (reported November 29, 2026), neck and low back'."""
    day = screening.entered_at.date()
    words = (
        f"{EFFECT_LABELS[reason.effect]}: {CONDITION_INFO[reason.code].label.lower()} "
        f"(reported {day:%B} {day.day}, {day.year})"
    )
    where = [REGION_LABELS[r].split(" (")[0].lower() for r in reason.regions]
    if len(where) == len(screening.decision.planned_regions) and len(where) > 1:
        return words + ", every planned area"
    return f"{words}, {', '.join(where)}"


def explain(screening: Screening) -> list[dict[str, Any]]:
    """One entry per planned region, in the order chosen; reasons shared by every region are
    left to `shared_reasons`."""
    decision = screening.decision
    shared = set(shared_reasons(decision))
    return [
        {
            "region": region,
            "label": policy_text(REGION_LABELS[region]),
            "decision": verdict,
            "decision_label": DECISION_LABELS[verdict],
            "headline": HEADLINES[verdict],
            "next_steps": NEXT_STEPS[verdict],
            "reasons": [r for r in decision.reasons_for(region) if r not in shared],
            # What the patient reads: each reason's message in the page's language.
            "messages": [
                policy_text(r.message) for r in decision.reasons_for(region) if r not in shared
            ],
            "clinical": [clinical(r, screening) for r in decision.reasons_for(region)],
        }
        for region, verdict in decision.regions.items()
    ]
