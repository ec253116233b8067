"""Plain-language reasons for the patient, one per (condition, effect, scope, situation).

Built once per policy, so evaluation only looks a message up.
"""

from .vocabulary import ConditionInfo, regions_phrase

_CARE = "with extra care from your therapist"
_PHYSICIAN = "a recommendation from your physician first"


def reason_message(
    info: ConditionInfo,
    *,
    effect: str,
    scope: str,
    rule_regions: tuple[str, ...],
    cleared_effect: str | None,
    cleared: bool,
    location_unknown: bool,
) -> str:
    """The message for one condition reaching the plan under one rule."""
    opening = f"You reported {info.phrase}"
    if scope == "where_present":
        opening += (
            " without saying where it is"
            if location_unknown
            else (" in an area planned for needling")
        )
    if cleared:
        opening += ", and your physician's recommendation is on record"
    opening += "."
    until = f" {info.until}" if info.until else ""

    if scope == "whole_patient":
        body = {
            "contraindicated": (
                "The practice does not offer dry needling to anyone who reports this, in any"
                " area of the body."
            ),
            "physician_clearance_required": f"Dry needling needs {_PHYSICIAN}.",
            "precaution": f"Dry needling can go ahead, {_CARE}.",
        }[effect]
    elif scope == "regions":
        where = regions_phrase(rule_regions)
        body = {
            "contraindicated": (
                f"The practice does not offer dry needling of {where} with this condition;"
                " other areas are not affected."
            ),
            "physician_clearance_required": f"Dry needling of {where} needs {_PHYSICIAN}.",
            "precaution": f"Dry needling of {where} can go ahead, {_CARE}.",
        }[effect]
    elif location_unknown:
        lead = "Its location is unknown, so it is treated as present in every planned area:"
        body = {
            "contraindicated": (
                f"{lead} none of them can be needled{until}. Tell your therapist where it is so"
                " the other areas can be considered."
            ),
            "physician_clearance_required": (
                f"{lead} needling any of them needs {_PHYSICIAN}. Tell your therapist where it"
                " is so the other areas can be considered."
            ),
            "precaution": f"{lead} they can be needled, {_CARE}.",
        }[effect]
    else:
        body = {
            "contraindicated": f"That area cannot be needled{until}.",
            "physician_clearance_required": f"Needling that area needs {_PHYSICIAN}.",
            "precaution": f"That area can be needled, {_CARE}.",
        }[effect]
    if not cleared and cleared_effect == "precaution" and effect != "precaution":
        body += f" With a recommendation from your physician on record, it can go ahead {_CARE}."
    return f"{opening} {body}"
