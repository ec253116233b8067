"""Plain words for a screening result: what each region's decision means and what to do next."""

from typing import Any

from needlecare.screening.models import Screening
from needlecare.screening.policy import REGION_LABELS

HEADLINES = {
    "eligible": "Dry needling can be offered here",
    "proceed_with_precautions": "Dry needling can be offered here, with extra care",
    "physician_clearance_required": "Your physician's recommendation is needed first",
    "contraindicated": "Dry needling cannot be offered here",
}

NEXT_STEPS = {
    "eligible": "You can book a visit with a therapist certified in dry needling.",
    "proceed_with_precautions": (
        "You can book. Your therapist will go over the points below with you before treatment "
        "and adjust the needles, depth or positions to keep you safe."
    ),
    "physician_clearance_required": (
        "Ask your physician whether dry needling is appropriate for you. If they agree, ask "
        "for a short letter recommending it, naming the condition below, and bring it to the "
        "clinic or have it faxed. The front desk will add it to your record and you can then "
        "book."
    ),
    "contraindicated": (
        "For your safety this area cannot be needled. Call the clinic: your therapist can "
        "suggest other treatments, such as manual therapy and exercise. If the reason is "
        "temporary (a rash, a wound, a spray tan), you can screen again once it has cleared."
    ),
}


def explain(screening: Screening) -> list[dict[str, Any]]:
    """One entry per planned region, in the order the patient chose them."""
    decision = screening.decision
    return [
        {
            "region": region,
            "label": REGION_LABELS[region],
            "decision": verdict,
            "headline": HEADLINES[verdict],
            "next_steps": NEXT_STEPS[verdict],
            "reasons": decision.reasons_for(region),
        }
        for region, verdict in decision.regions.items()
    ]
