"""Django's admin, opened to clinic admins for their own clinics; every save is audited."""

from collections.abc import Callable, Iterable
from typing import Any, cast

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect

from needlecare.accounts.access import staff_clinic_ids
from needlecare.accounts.models import STAFF_ROLES, Role, User
from needlecare.clinics import services as clinic_services
from needlecare.clinics.models import (
    Clinic,
    Closure,
    Credential,
    OpeningHours,
    Room,
    StaffMembership,
    Therapist,
)
from needlecare.clinics.scoping import setup_in_scope
from needlecare.common.errors import DomainError
from needlecare.scheduling import services as scheduling_services
from needlecare.scheduling.models import AppointmentType, TimeOff, WorkingHours

# Every save goes through the record's own service, so its rules and its audit hold here too.
Save = Callable[..., Model]
SERVICES: dict[type[Model], tuple[str, Save]] = {
    Clinic: ("clinic", clinic_services.clinic_save),
    OpeningHours: ("hours", clinic_services.opening_hours_save),
    Closure: ("closure", clinic_services.closure_save),
    Room: ("room", clinic_services.room_save),
    StaffMembership: ("membership", clinic_services.membership_save),
    Therapist: ("therapist", clinic_services.therapist_save),
    Credential: ("credential", clinic_services.credential_save),
    AppointmentType: ("kind", scheduling_services.appointment_type_save),
    WorkingHours: ("hours", scheduling_services.working_hours_save),
    TimeOff: ("time_off", scheduling_services.time_off_save),
}


def _user(request: HttpRequest) -> User:
    # The admin site's own gate (has_permission) has already refused anyone else.
    return cast(User, request.user)


def save_record(request: HttpRequest, record: Model, fields: Iterable[str]) -> None:
    keyword, save = SERVICES[type(record)]
    save(**{keyword: record}, by=_user(request), fields=list(fields))


def _is_clinic_admin(request: HttpRequest) -> bool:
    user = request.user
    return bool(
        user.is_active and (user.is_superuser or getattr(user, "role", None) == Role.CLINIC_ADMIN)
    )


def _is_root(request: HttpRequest) -> bool:
    return bool(_user(request).is_superuser)


def _may_write(request: HttpRequest, obj: Model | None) -> bool:
    """A clinic admin writes a page's record (and its inlines) only if it is all theirs: a
    therapist who also works elsewhere is shown, read-only (the services refuse it anyway)."""
    if not _is_clinic_admin(request):
        return False
    return obj is None or setup_in_scope(obj, by=_user(request))


def _my_clinics(request: HttpRequest) -> QuerySet[Clinic]:
    if _is_root(request):
        return Clinic.objects.all()
    return Clinic.objects.filter(pk__in=staff_clinic_ids(_user(request)))


class NeedlecareAdminSite(admin.AdminSite):
    site_header = "needlecare administration"
    site_title = "needlecare"
    index_title = "Clinics, therapists and credentials"

    def has_permission(self, request: HttpRequest) -> bool:
        return _is_clinic_admin(request)


admin_site = NeedlecareAdminSite(name="admin")


class ScopedInline(admin.TabularInline):
    """An inline is written with its page's record (`obj`), and only when that is the admin's."""

    extra = 0

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_clinic_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _may_write(request, obj)

    has_add_permission = has_delete_permission = has_change_permission

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.related_model is Clinic:
            kwargs["queryset"] = _my_clinics(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ScopedAdmin(admin.ModelAdmin):
    """Clinic admins see and change only what belongs to their clinics."""

    clinic_lookup = "clinic"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        if _user(request).is_superuser:
            return qs
        ids = staff_clinic_ids(_user(request))
        return qs.filter(**{f"{self.clinic_lookup}__in": ids}).distinct()

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_clinic_admin(request)

    def get_object(self, request: HttpRequest, object_id: str, from_field: Any = None) -> Any:
        # Another clinic's record, or none: the same not found (not Django's hint of a deletion).
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("Not found.")
        return obj

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_clinic_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _may_write(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _may_write(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _is_clinic_admin(request)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.related_model is Clinic:
            kwargs["queryset"] = _my_clinics(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            # A service refused the save: the admin's transaction has rolled it all back.
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        save_record(request, obj, form.changed_data)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        formset.save(commit=False)
        for obj in formset.deleted_objects:
            clinic_services.setup_delete(record=obj, by=_user(request))
        # By identity: a row naming a record outside the page (deleted, or another clinic's) is
        # an unsaved, unhashable instance that Django skips; so do we.
        new = {id(obj) for obj in formset.new_objects}
        changed = {id(obj): fields for obj, fields in formset.changed_objects}
        for inline in formset.forms:
            obj = inline.instance
            if id(obj) in new:
                save_record(request, obj, inline.changed_data)
            elif id(obj) in changed:
                save_record(request, obj, changed[id(obj)])
        formset.save_m2m()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        clinic_services.setup_delete(record=obj, by=_user(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        with transaction.atomic():
            for obj in queryset:
                clinic_services.setup_delete(record=obj, by=_user(request))


class HoursInline(ScopedInline):
    model = OpeningHours


class ClosureInline(ScopedInline):
    model = Closure


class RoomInline(ScopedInline):
    model = Room


class AppointmentTypeInline(ScopedInline):
    model = AppointmentType


class MembershipInline(ScopedInline):
    """A clinic admin adds to one of their clinics only staff of their other clinics (new staff
    are invited, and taken off through the staff pages, whose services check upcoming visits);
    rows already there stay as they are."""

    model = StaffMembership
    autocomplete_fields = ()

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_root(request) and _may_write(request, obj)

    has_delete_permission = has_change_permission

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _may_write(request, obj)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        # Only staff work for a clinic: patients' accounts are never offered, nor other clinics'.
        if db_field.name == "user":
            staff = User.objects.filter(role__in=STAFF_ROLES, is_active=True)
            if not _is_root(request):
                mine = staff_clinic_ids(_user(request))
                staff = staff.filter(memberships__clinic__in=mine, is_superuser=False).distinct()
            kwargs["queryset"] = staff.order_by("full_name")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Clinic, site=admin_site)
class ClinicAdmin(ScopedAdmin):
    clinic_lookup = "pk"
    list_display = ("name", "city", "phone", "time_zone")
    prepopulated_fields = {"slug": ("name",)}  # noqa: RUF012
    inlines = (HoursInline, ClosureInline, RoomInline, AppointmentTypeInline, MembershipInline)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A new clinic has no admin yet; only a superuser can open one.
        return bool(_user(request).is_superuser)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(_user(request).is_superuser)


class CredentialInline(ScopedInline):
    model = Credential


class WorkingHoursInline(ScopedInline):
    model = WorkingHours


class TimeOffInline(ScopedInline):
    model = TimeOff


@admin.register(Therapist, site=admin_site)
class TherapistAdmin(ScopedAdmin):
    clinic_lookup = "user__memberships__clinic"
    list_display = ("__str__",)
    inlines = (CredentialInline, WorkingHoursInline, TimeOffInline)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _is_root(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A profile goes with its account: staff_deactivate, on the staff pages.
        return _is_root(request)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Whose profile it is never changes here, and no list of the practice's therapists.
        return () if _is_root(request) else ("user",)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "user":
            kwargs["queryset"] = User.objects.filter(role=Role.THERAPIST)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
