"""Django's admin, opened to clinic admins for their own clinics; every save is audited."""

from typing import Any, cast

from django.contrib import admin
from django.db import transaction
from django.db.models import Model, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest

from needlecare.accounts.access import staff_clinic_ids
from needlecare.accounts.models import Role, User
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
from needlecare.scheduling.models import AppointmentType, TimeOff, WorkingHours


def _user(request: HttpRequest) -> User:
    # The admin site's own gate (has_permission) has already refused anyone else.
    return cast(User, request.user)


def _is_clinic_admin(request: HttpRequest) -> bool:
    user = request.user
    return bool(
        user.is_active and (user.is_superuser or getattr(user, "role", None) == Role.CLINIC_ADMIN)
    )


class NeedlecareAdminSite(admin.AdminSite):
    site_header = "needlecare administration"
    site_title = "needlecare"
    index_title = "Clinics, therapists and credentials"

    def has_permission(self, request: HttpRequest) -> bool:
        return _is_clinic_admin(request)


admin_site = NeedlecareAdminSite(name="admin")


def clinic_ids_of(obj: Model) -> list[int]:
    """The clinics an administered record belongs to, for scoping and the audit trail."""
    if isinstance(obj, Clinic):
        return [obj.pk]
    if isinstance(obj, Therapist):
        return list(obj.user.memberships.values_list("clinic_id", flat=True))
    if isinstance(obj, Credential | TimeOff):
        return clinic_ids_of(obj.therapist)
    return [getattr(obj, "clinic_id")]  # noqa: B009 - hours, closures, rooms, memberships


def _audit(request: HttpRequest, obj: Model, verb: str, changed: list[str] | None = None) -> None:
    audit_record(
        actor=request.user,
        action=f"{obj._meta.model_name}.{verb}_in_admin",
        target=obj,
        data={"fields": changed or []},
        clinic_ids=clinic_ids_of(obj),
    )


class AuditedFormSet(BaseInlineFormSet):
    request: HttpRequest  # set per request by ScopedInline.get_formset

    def save(self, commit: bool = True) -> Any:
        deleted = [form.instance for form in self.deleted_forms if form.instance.pk]
        for obj in deleted:
            _audit(self.request, obj, "deleted")
        saved = super().save(commit)
        for form in self.forms:
            if form.instance.pk and form.has_changed() and form.instance not in deleted:
                _audit(self.request, form.instance, "saved", list(form.changed_data))
        return saved


class ScopedInline(admin.TabularInline):
    formset = AuditedFormSet
    extra = 0

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        # The formset audits its saves and needs to know who made them.
        return type(formset.__name__, (formset,), {"request": request})

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_clinic_admin(request)

    has_change_permission = has_add_permission = has_delete_permission = has_view_permission


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

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_clinic_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_clinic_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_clinic_admin(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _is_clinic_admin(request)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.related_model is Clinic and not _user(request).is_superuser:
            kwargs["queryset"] = Clinic.objects.filter(pk__in=staff_clinic_ids(_user(request)))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        _audit(request, obj, "saved", list(form.changed_data))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        _audit(request, obj, "deleted")
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        with transaction.atomic():
            for obj in queryset:
                _audit(request, obj, "deleted")
            super().delete_queryset(request, queryset)


class HoursInline(ScopedInline):
    model = OpeningHours


class ClosureInline(ScopedInline):
    model = Closure


class RoomInline(ScopedInline):
    model = Room


class AppointmentTypeInline(ScopedInline):
    model = AppointmentType


class MembershipInline(ScopedInline):
    model = StaffMembership
    autocomplete_fields = ()


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

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.related_model is Clinic and not _user(request).is_superuser:
            kwargs["queryset"] = Clinic.objects.filter(pk__in=staff_clinic_ids(_user(request)))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class TimeOffInline(ScopedInline):
    model = TimeOff


@admin.register(Therapist, site=admin_site)
class TherapistAdmin(ScopedAdmin):
    clinic_lookup = "user__memberships__clinic"
    list_display = ("__str__",)
    inlines = (CredentialInline, WorkingHoursInline, TimeOffInline)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(_user(request).is_superuser)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "user":
            from needlecare.accounts.models import User

            kwargs["queryset"] = User.objects.filter(role=Role.THERAPIST)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
