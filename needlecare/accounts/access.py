"""Who may touch what: the pieces every app shares.

Every page declares its audience with @public or @allow(...); DenyByDefaultMiddleware refuses
any page that declares nothing. Every API route needs a signed-in user in one of `roles(...)`
unless it says auth=None. Object access goes through one access_* helper per protected object,
kept beside its topic (`clinics/access.py`, `scheduling/access.py`, ...); each raises the same
Http404 for "missing" and "forbidden", so a refusal reveals nothing.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Model
from django.http import Http404, HttpRequest
from ninja.security import SessionAuth

from needlecare.accounts.models import STAFF_ROLES, Role, User

V = TypeVar("V", bound=Callable[..., Any])
M = TypeVar("M", bound=Model)

ATTRIBUTE = "needlecare_access"
STAFF = tuple(sorted(STAFF_ROLES))
ANY_SIGNED_IN = tuple(Role.values)
# Who reads and writes clinical records: never the front desk, never a patient.
CLINICAL = (Role.THERAPIST, Role.CLINIC_ADMIN)
# Who books, moves and cancels for patients, confirms requests and marks no-shows.
DESK = (Role.FRONT_DESK, Role.CLINIC_ADMIN)


@dataclass(frozen=True)
class Access:
    public: bool = False
    roles: frozenset[str] = frozenset()

    def admits(self, user: Any) -> bool:
        if self.public:
            return True
        return bool(user.is_authenticated and user.is_active and user.role in self.roles)


def public(view: V) -> V:
    """Declare a page open to everyone, signed in or not."""
    setattr(view, ATTRIBUTE, Access(public=True))
    return view


def allow(*roles: str) -> Callable[[V], V]:
    """Declare the roles that may use a page; the middleware enforces it."""
    if not roles:
        raise ValueError("allow() needs at least one role; use @public for open pages")
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise ValueError(f"unknown roles: {sorted(unknown)}")

    def decorate(view: V) -> V:
        setattr(view, ATTRIBUTE, Access(roles=frozenset(roles)))
        return view

    return decorate


def declared_access(view: Callable[..., Any]) -> Access | None:
    return getattr(view, ATTRIBUTE, None)


class AuthedRequest(HttpRequest):
    """A request that the deny-by-default middleware has let through to a signed-in page."""

    user: User


class RoleSession(SessionAuth):
    """API auth: the session (with CSRF on unsafe methods) of an active user in one of roles."""

    def __init__(self, *roles: str) -> None:
        super().__init__()
        self.roles = frozenset(roles)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if user.is_authenticated and user.is_active and user.role in self.roles:
            return user
        return None


def roles(*names: str) -> RoleSession:
    """Declare the roles that may use an API route."""
    return RoleSession(*names)


# --- Object access ----------------------------------------------------------------------------


def staff_clinic_ids(user: User) -> set[int]:
    """The clinics a member of staff works for; empty for anyone else."""
    if not (user.is_authenticated and user.is_clinic_staff):
        return set()
    cached: set[int] | None = getattr(user, "_clinic_ids", None)
    if cached is None:
        cached = set(user.memberships.values_list("clinic_id", flat=True))
        user._clinic_ids = cached  # type: ignore[attr-defined]
    return cached


def access_record_of_patient(
    model: type[M], pk: int, *, owner: Callable[[int], object], related: Iterable[str] = ()
) -> M:
    """A record that belongs to a patient, found by pk, when `owner(patient_id)` admits the
    caller (it raises Http404 when not); else the same not found, missing or forbidden."""
    what = model._meta.verbose_name
    patient_id = model._default_manager.filter(pk=pk).values_list("patient_id", flat=True).first()
    if patient_id is None:
        raise Http404(f"No such {what}.")
    try:
        owner(patient_id)
    except Http404:
        raise Http404(f"No such {what}.") from None
    return model._default_manager.select_related(*related).get(pk=pk)
