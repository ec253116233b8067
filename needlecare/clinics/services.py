"""Writes to clinics and their setup: hours, closures, rooms, staff, therapists, credentials.

One write path per record, whoever writes (the admin site, the demo loader, tests): each
`<record>_save` takes a new or changed record, checks the rules that span records inside the
transaction that writes, validates the record itself (fields and constraints) and audits it.
`setup_delete` removes any of them, audited.

A clinic admin manages the staff of the clinics they administer (`staff_*`): invites them
through the `*_save` writes, deactivates or reactivates an account that only their clinics use,
and removes from their clinics someone who also works elsewhere.
"""

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import TypeVar

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone

from needlecare.accounts.models import STAFF_ROLES, Role, User
from needlecare.accounts.sessions import user_sessions_end
from needlecare.audit.services import audit_record
from needlecare.clinics.models import (
    Clinic,
    Closure,
    Credential,
    OpeningHours,
    Room,
    StaffMembership,
    Therapist,
)
from needlecare.clinics.scoping import record_clinic_ids, setup_scope_check
from needlecare.common.errors import DomainError, NotAllowed, validate
from needlecare.outbox.models import Channel
from needlecare.outbox.services import Recipient, message_queue

M = TypeVar("M", bound=Model)


def _changes(record: Model, fields: Iterable[str]) -> dict[str, list[str]]:
    """Each named field whose stored value differs from the record's: [old, new] as text."""
    columns = {name: getattr(record._meta.get_field(name), "attname", name) for name in fields}
    stored = type(record)._default_manager.filter(pk=record.pk).values(*columns.values()).first()
    if stored is None:
        return {}
    return {
        name: [str(stored[column]), str(getattr(record, column))]
        for name, column in sorted(columns.items())
        if stored[column] != getattr(record, column)
    }


def audited_save(
    record: M, *, by: User | None, fields: Iterable[str], check: Callable[[], None] | None = None
) -> M:
    """Check, validate, save and audit one setup record in one transaction: a new record with
    the fields it was given, a changed one with each field's old and new value."""
    added = record.pk is None
    try:
        with transaction.atomic():
            setup_scope_check(record, by=by)  # before any other check can describe the record
            if check is not None:
                check()
            validate(record)
            data = {"fields": sorted(fields)} if added else _changes(record, fields)
            record.save()
            audit_record(
                actor=by,
                action=f"{record._meta.model_name}.{'added' if added else 'changed'}",
                target=record,
                data=data,
                clinic_ids=record_clinic_ids(record),
            )
    except IntegrityError as exc:
        # Another request wrote the same record since the checks: still the caller's input.
        raise DomainError("setup.duplicate", "This is already on record.") from exc
    return record


def setup_delete(*, record: Model, by: User | None) -> None:
    """Remove a setup record, audited."""
    with transaction.atomic():
        setup_scope_check(record, by=by)
        audit_record(
            actor=by,
            action=f"{record._meta.model_name}.deleted",
            target=record,
            clinic_ids=record_clinic_ids(record),
        )
        record.delete()


def clinic_save(*, clinic: Clinic, by: User | None, fields: Iterable[str] = ()) -> Clinic:
    """Open a clinic or change its details."""
    return audited_save(clinic, by=by, fields=fields)


def _periods_overlap(
    periods: Iterable[tuple[dt.time, dt.time]], opens: dt.time, closes: dt.time
) -> bool:
    return any(start < closes and opens < end for start, end in periods)


def opening_hours_save(
    *, hours: OpeningHours, by: User | None, fields: Iterable[str] = ()
) -> OpeningHours:
    """Add or change one opening period; periods of a day never overlap."""

    def check() -> None:
        others = OpeningHours.objects.filter(clinic=hours.clinic_id, weekday=hours.weekday)
        if hours.pk is not None:
            others = others.exclude(pk=hours.pk)
        if _periods_overlap(others.values_list("opens", "closes"), hours.opens, hours.closes):
            raise DomainError(
                "clinic.hours_overlap", "Opening periods on the same day overlap.", field="hours"
            )

    return audited_save(hours, by=by, fields=fields, check=check)


def opening_hours_set(
    *, clinic: Clinic, hours: Iterable[tuple[int, dt.time, dt.time]], by: User | None
) -> list[OpeningHours]:
    """Replace a clinic's weekly opening hours with (weekday, opens, closes) periods."""
    with transaction.atomic():
        for old in list(clinic.opening_hours.all()):
            setup_delete(record=old, by=by)
        return [
            opening_hours_save(
                hours=OpeningHours(clinic=clinic, weekday=d, opens=o, closes=c),
                by=by,
                fields=["weekday", "opens", "closes"],
            )
            for d, o, c in sorted(hours)
        ]


def closure_save(*, closure: Closure, by: User | None, fields: Iterable[str] = ()) -> Closure:
    """Close a clinic for a day or a run of days, or change a closure."""
    return audited_save(closure, by=by, fields=fields)


def room_save(*, room: Room, by: User | None, fields: Iterable[str] = ()) -> Room:
    """Add a treatment room to a clinic, or change one."""
    return audited_save(room, by=by, fields=fields)


def membership_save(
    *, membership: StaffMembership, by: User | None, fields: Iterable[str] = ()
) -> StaffMembership:
    """Let a member of staff work for a clinic."""

    def check() -> None:
        if User.objects.filter(pk=membership.user_id, role__in=STAFF_ROLES).exists():
            return
        raise DomainError(
            "clinic.member_not_staff", "Only staff can be members of a clinic.", field="user"
        )

    return audited_save(membership, by=by, fields=fields, check=check)


def therapist_save(
    *, therapist: Therapist, by: User | None, fields: Iterable[str] = ()
) -> Therapist:
    """Give a therapist user their clinical profile, or change it."""

    def check() -> None:
        if User.objects.filter(pk=therapist.user_id, role=Role.THERAPIST).exists():
            return
        raise DomainError(
            "clinic.not_a_therapist",
            "Only a user with the therapist role can have a therapist profile.",
            field="user",
        )

    return audited_save(therapist, by=by, fields=fields, check=check)


def credential_save(
    *, credential: Credential, by: User | None, fields: Iterable[str] = ()
) -> Credential:
    """Record a therapist's certification, licence or CPR card, or correct one."""
    if credential.valid_from > credential.expires_on:
        raise DomainError(
            "credential.expires_before_valid",
            "A credential cannot expire before it is valid.",
            field="expires_on",
        )
    return audited_save(credential, by=by, fields=fields)


# --- Staff, managed by a clinic admin ----------------------------------------------------------

INVITATION = "account.invitation"
# A visit that has not ended and was not called off still needs its therapist.
VISIT_OVER = ("cancelled", "late_cancelled", "no_show", "completed")


@dataclass(frozen=True)
class CredentialDetails:
    """A credential as an invitation gives it (a Credential once the therapist exists)."""

    kind: str
    issuer: str
    number: str
    valid_from: dt.date
    expires_on: dt.date


def _administered(by: User) -> set[int]:
    """The clinics an active clinic admin administers, read now (not a cached set)."""
    if not (by.is_active and by.role == Role.CLINIC_ADMIN):
        raise NotAllowed("staff.not_an_admin", "Only a clinic admin can manage staff.")
    return set(by.memberships.values_list("clinic_id", flat=True))


def _managed(user: User, *, by: User, every_clinic: bool) -> list[int]:
    """The member's clinics, when `by` may manage them: staff, not themself, at one of their
    clinics (at every one of them if `every_clinic`, for a change to the whole account)."""
    mine = _administered(by)
    theirs = sorted(user.memberships.values_list("clinic_id", flat=True))
    if user.role not in STAFF_ROLES or not mine & set(theirs):
        raise NotAllowed("staff.not_yours", "This person does not work at your clinics.")
    if user.pk == by.pk:
        raise DomainError("staff.not_yourself", "You cannot do this to your own account.")
    if user.is_superuser:
        raise NotAllowed("staff.superuser", "Only another superuser can change this account.")
    if every_clinic and not set(theirs) <= mine:
        raise DomainError(
            "staff.works_elsewhere",
            f"{user.full_name} also works at a clinic you do not administer: remove them from "
            "your clinics instead, or ask that clinic's admin.",
        )
    return theirs


def _check_no_upcoming_visits(user: User, *, clinic_ids: Iterable[int] | None = None) -> None:
    # Appointments belong to scheduling, which builds on clinics: they are read through the
    # therapist's reverse relation rather than imported.
    therapist = Therapist.objects.filter(user=user).first()
    if therapist is None:
        return
    visits = therapist.appointments.filter(ends_at__gt=timezone.now()).exclude(
        status__in=VISIT_OVER
    )
    if clinic_ids is not None:
        visits = visits.filter(clinic_id__in=list(clinic_ids))
    if count := visits.count():
        raise DomainError(
            "staff.has_upcoming_visits",
            f"{user.full_name} has {count} upcoming visit{'s' if count > 1 else ''}: move them "
            "to another therapist or cancel them first.",
            {"visits": count},
        )


def _queue_invitation(user: User, *, by: User, clinic_id: int) -> None:
    message_queue(
        kind=INVITATION,
        about=user,
        to=[Recipient(Channel.EMAIL, user.email, user_id=user.pk)],
        key=f"{user.pk}:{timezone.now().isoformat()}",
        clinic_id=clinic_id,
        context={"invited_by": by.full_name},
    )


def staff_invite(
    *,
    by: User,
    email: str,
    full_name: str,
    role: str,
    clinics: Sequence[Clinic],
    title: str = "",
    credentials: Sequence[CredentialDetails] = (),
) -> User:
    """A clinic admin invites a member of staff to their clinics; the emailed link sets the
    password, once."""
    email = email.strip().lower()
    if role not in STAFF_ROLES:
        raise DomainError("staff.unknown_role", "Choose a staff role.", field="role")
    if role != Role.THERAPIST and (title.strip() or credentials):
        raise DomainError(
            "staff.not_a_therapist", "Only a therapist has a title and credentials.", field="role"
        )
    with transaction.atomic(durable=True):
        mine = _administered(by)
        clinic_ids = sorted({c.pk for c in clinics})
        if not clinic_ids or not set(clinic_ids) <= mine:
            raise NotAllowed(
                "staff.clinic_not_yours", "Choose one or more of your clinics.", field="clinics"
            )
        if User.objects.filter(email__iexact=email).exists():
            raise DomainError(
                "account.email_taken", "An account with this email already exists.", field="email"
            )
        user = User(email=email, full_name=full_name.strip(), role=role)
        user.is_staff = role == Role.CLINIC_ADMIN  # Django's admin, as for every clinic admin
        user.set_unusable_password()
        validate(user)
        user.save()
        audit_record(
            actor=by, action="user.invited", target=user, data={"role": role}, clinic_ids=clinic_ids
        )
        for clinic_id in clinic_ids:
            membership = StaffMembership(user=user, clinic_id=clinic_id)
            membership_save(membership=membership, by=by, fields=["user", "clinic"])
        if role == Role.THERAPIST:
            therapist = therapist_save(
                therapist=Therapist(user=user, title=title.strip()), by=by, fields=["title"]
            )
            for details in credentials:
                credential = Credential(therapist=therapist, **asdict(details))
                credential_save(credential=credential, by=by, fields=list(asdict(details)))
        _queue_invitation(user, by=by, clinic_id=clinic_ids[0])
    return user


def staff_invitation_resend(*, user: User, by: User) -> None:
    """Send a new invitation to someone who has not chosen a password yet."""
    with transaction.atomic(durable=True):
        clinic_ids = _managed(user, by=by, every_clinic=False)
        if not user.is_active or user.has_usable_password():
            raise DomainError(
                "staff.not_invited", f"{user.full_name} is not waiting for an invitation."
            )
        audit_record(actor=by, action="user.invitation_resent", target=user, clinic_ids=clinic_ids)
        _queue_invitation(user, by=by, clinic_id=sorted(set(clinic_ids) & _administered(by))[0])


def staff_deactivate(*, user: User, by: User) -> User:
    """Close a member of staff's account: they are signed out at their next request and can no
    longer be booked. Only an account no clinic but the admin's own relies on."""
    with transaction.atomic(durable=True):
        clinic_ids = _managed(user, by=by, every_clinic=True)
        if not user.is_active:
            raise DomainError("staff.already_inactive", f"{user.full_name} is already inactive.")
        _check_no_upcoming_visits(user)
        user.is_active = False
        user.save(update_fields=["is_active"])
        audit_record(actor=by, action="user.deactivated", target=user, clinic_ids=clinic_ids)
        user_sessions_end(user=user, by=by)
    return user


def staff_reactivate(*, user: User, by: User) -> User:
    """Open a deactivated account again."""
    with transaction.atomic(durable=True):
        clinic_ids = _managed(user, by=by, every_clinic=True)
        if user.is_active:
            raise DomainError("staff.already_active", f"{user.full_name} is already active.")
        user.is_active = True
        user.save(update_fields=["is_active"])
        audit_record(actor=by, action="user.reactivated", target=user, clinic_ids=clinic_ids)
    return user


def staff_remove(*, user: User, clinic: Clinic, by: User) -> None:
    """Take a member of staff who also works at another clinic off one of the admin's clinics,
    with their working hours there."""
    with transaction.atomic(durable=True):
        clinic_ids = _managed(user, by=by, every_clinic=False)
        if clinic.pk not in _administered(by) or clinic.pk not in clinic_ids:
            raise NotAllowed("staff.not_yours", "This person does not work at your clinics.")
        if len(clinic_ids) == 1:
            raise DomainError(
                "staff.only_clinic",
                f"{clinic} is {user.full_name}'s only clinic: deactivate the account instead.",
            )
        _check_no_upcoming_visits(user, clinic_ids=[clinic.pk])
        therapist = Therapist.objects.filter(user=user).first()
        if therapist is not None:
            for hours in therapist.working_hours.filter(clinic=clinic):
                setup_delete(record=hours, by=by)
        setup_delete(record=StaffMembership.objects.get(user=user, clinic=clinic), by=by)


def audit_trail_exported(*, clinic: Clinic, by: User, filters: dict[str, str], rows: int) -> None:
    """Record that an admin took a copy of the clinic's audit trail."""
    with transaction.atomic():
        audit_record(
            actor=by,
            action="audit.exported",
            target=clinic,
            data={"filters": filters, "rows": rows},
            clinic_ids=[clinic.pk],
        )
