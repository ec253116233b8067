"""A clinic admin's staff pages: who works at the clinic, inviting someone, and closing,
reopening or narrowing an account.

Every page is for clinic admins of the clinic in the address (`access_clinic`), and a member of
staff is found only among that clinic's staff (`_member`); anyone else gets not found. Which
accounts an admin may change is the services' rule (clinics.services `staff_*`): an account
that only the admin's clinics use can be deactivated; someone who also works at a clinic the
admin does not administer is removed from the admin's clinic instead.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from needlecare.accounts.access import AuthedRequest, allow
from needlecare.accounts.models import STAFF_ROLES, Role, User
from needlecare.accounts.two_factor import two_factor_reset
from needlecare.clinics import services
from needlecare.clinics.access import access_clinic
from needlecare.clinics.models import Clinic
from needlecare.clinics.selectors import (
    TherapistRow,
    clinic_therapists,
    clinics_of,
    therapist_can_dry_needle,
)
from needlecare.common.errors import DomainError
from needlecare.common.time import clinic_today
from needlecare.web.forms import attempt
from needlecare.web.staff_admin_forms import InviteForm

ADMIN = (Role.CLINIC_ADMIN,)


def _member(clinic: Clinic, user_id: int) -> User:
    """A member of the clinic's staff, else not found."""
    member = (
        User.objects.filter(pk=user_id, role__in=STAFF_ROLES, memberships__clinic=clinic)
        .prefetch_related("memberships__clinic")
        .first()
    )
    if member is None:
        raise Http404("No such member of staff.")
    return member


@dataclass(frozen=True)
class StaffRow:
    user: User
    other_clinics: list[Clinic]  # where else they work
    works_elsewhere: bool  # at a clinic the admin does not administer
    invited: bool  # has not chosen a password yet
    therapist: TherapistRow | None  # active therapists only, with their credentials' standing


def _staff_rows(clinic: Clinic, admin: User) -> list[StaffRow]:
    mine = {c.pk for c in clinics_of(admin)}
    therapists = {
        row.therapist.user_id: row for row in clinic_therapists(clinic, on=clinic_today(clinic))
    }
    members = (
        User.objects.filter(memberships__clinic=clinic, role__in=STAFF_ROLES)
        .prefetch_related("memberships__clinic")
        .order_by("-is_active", "full_name")
    )
    rows = []
    for user in members:
        others = [m.clinic for m in user.memberships.all() if m.clinic_id != clinic.pk]
        rows.append(
            StaffRow(
                user=user,
                other_clinics=sorted(others, key=lambda c: c.name),
                works_elsewhere=any(c.pk not in mine for c in others),
                invited=user.is_active and not user.has_usable_password(),
                therapist=therapists.get(user.pk),
            )
        )
    return rows


@allow(Role.CLINIC_ADMIN)
def staff_list(request: AuthedRequest, slug: str) -> HttpResponse:
    clinic = access_clinic(request.user, slug, roles=ADMIN)
    rows = _staff_rows(clinic, request.user)
    context = {"clinic": clinic, "rows": rows, "today": clinic_today(clinic)}
    return render(request, "staff_admin/staff.html", context)


@allow(Role.CLINIC_ADMIN)
def staff_invite(request: AuthedRequest, slug: str) -> HttpResponse:
    clinic = access_clinic(request.user, slug, roles=ADMIN)
    form = InviteForm(
        request.POST or None,
        clinics=clinics_of(request.user),
        initial={"clinics": [clinic.pk], "role": Role.THERAPIST},
    )
    outcome = attempt(form, lambda: services.staff_invite(by=request.user, **form.invitation()))
    invited = outcome.value
    if invited is None:
        context = {"clinic": clinic, "form": form}
        return render(request, "staff_admin/invite.html", context, status=outcome.status)
    messages.success(
        request,
        f"{invited.full_name} is invited: an email with a link to choose a password is on its way.",
    )
    therapist = getattr(invited, "therapist", None)
    if therapist is not None and not therapist_can_dry_needle(therapist, on=clinic_today(clinic)):
        messages.warning(
            request,
            f"{invited.full_name} cannot be booked for dry needling until a valid PT licence "
            "and dry needling certification are on record.",
        )
    return redirect("staff-admin-staff", clinic.slug)


@dataclass(frozen=True)
class Confirmation:
    title: str
    explanation: str
    button: str
    done: str


DEACTIVATE = Confirmation(
    title="Deactivate {name}'s account?",
    explanation="They are signed out at once and can no longer sign in or be booked. "
    "Their records stay as they are, and you can reactivate the account later.",
    button="Deactivate the account",
    done="{name}'s account is deactivated.",
)
REMOVE = Confirmation(
    title="Remove {name} from {clinic}?",
    explanation="They keep their account for their other clinics, but no longer work at "
    "{clinic}: their working hours here are removed and they cannot be booked here.",
    button="Remove from {clinic}",
    done="{name} no longer works at {clinic}.",
)
RESET_SECOND_FACTOR = Confirmation(
    title="Reset {name}'s second factor?",
    explanation="Their authenticator app and recovery codes stop working. At their next "
    "sign-in they set up two-step sign-in again with their password and a new code.",
    button="Reset the second factor",
    done="{name} will set up two-step sign-in again at their next sign-in.",
)


def _confirmed(
    request: AuthedRequest,
    clinic: Clinic,
    member: User,
    what: Confirmation,
    write: Callable[[], object],
) -> HttpResponse:
    """A page that asks first; the change on the confirming POST, or its refusal on the page."""
    form = forms.Form(request.POST if request.method == "POST" else None)
    outcome = attempt(form, write)
    words = {"name": member.full_name, "clinic": clinic.name}
    if outcome.done:
        messages.success(request, what.done.format(**words))
        return redirect("staff-admin-staff", clinic.slug)
    text = {k: getattr(what, k).format(**words) for k in ("title", "explanation", "button")}
    context = {"clinic": clinic, "member": member, "form": form, "text": text}
    return render(request, "staff_admin/confirm.html", context, status=outcome.status)


@allow(Role.CLINIC_ADMIN)
def staff_deactivate(request: AuthedRequest, slug: str, user_id: int) -> HttpResponse:
    clinic = access_clinic(request.user, slug, roles=ADMIN)
    member = _member(clinic, user_id)
    return _confirmed(
        request,
        clinic,
        member,
        DEACTIVATE,
        lambda: services.staff_deactivate(user=member, by=request.user),
    )


@allow(Role.CLINIC_ADMIN)
def staff_remove(request: AuthedRequest, slug: str, user_id: int) -> HttpResponse:
    clinic = access_clinic(request.user, slug, roles=ADMIN)
    member = _member(clinic, user_id)
    return _confirmed(
        request,
        clinic,
        member,
        REMOVE,
        lambda: services.staff_remove(user=member, clinic=clinic, by=request.user),
    )


def _done_or_refused(request: AuthedRequest, write: Callable[[], object], done: str) -> None:
    try:
        write()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)


@allow(Role.CLINIC_ADMIN)
@require_POST
def staff_reactivate(request: AuthedRequest, slug: str, user_id: int) -> HttpResponse:
    clinic = access_clinic(request.user, slug, roles=ADMIN)
    member = _member(clinic, user_id)
    _done_or_refused(
        request,
        lambda: services.staff_reactivate(user=member, by=request.user),
        f"{member.full_name}'s account is active again.",
    )
    return redirect("staff-admin-staff", clinic.slug)


@allow(Role.CLINIC_ADMIN)
@require_POST
def staff_invitation_resend(request: AuthedRequest, slug: str, user_id: int) -> HttpResponse:
    clinic = access_clinic(request.user, slug, roles=ADMIN)
    member = _member(clinic, user_id)
    _done_or_refused(
        request,
        lambda: services.staff_invitation_resend(user=member, by=request.user),
        f"A new invitation to {member.full_name} is on its way.",
    )
    return redirect("staff-admin-staff", clinic.slug)


@allow(Role.CLINIC_ADMIN)
def staff_two_factor_reset(request: AuthedRequest, slug: str, user_id: int) -> HttpResponse:
    clinic = access_clinic(request.user, slug, roles=ADMIN)
    member = _member(clinic, user_id)
    return _confirmed(
        request,
        clinic,
        member,
        RESET_SECOND_FACTOR,
        lambda: two_factor_reset(actor=request.user, user=member, clinic_ids=[clinic.pk]),
    )
