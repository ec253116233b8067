from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from needlecare.accounts.models import Role, User
from needlecare.audit.services import audit_record
from needlecare.common.errors import DomainError


def user_create(
    *, email: str, password: str, full_name: str, role: str, created_by: User | None = None
) -> User:
    """Create a sign-in account; the password must pass the validators."""
    email = email.strip().lower()
    if role not in Role.values:
        raise DomainError("account.unknown_role", f"Unknown role {role!r}.", field="role")
    user_check(email=email, full_name=full_name, password=password)
    with transaction.atomic():
        if User.objects.filter(email__iexact=email).exists():
            raise DomainError(
                "account.email_taken", "An account with this email already exists.", field="email"
            )
        user = User.objects.create_user(
            email, password, full_name=full_name, role=role, is_staff=role == Role.CLINIC_ADMIN
        )
        audit_record(
            actor=created_by or user,
            action="user.created",
            target=user,
            data={"role": role},
        )
    return user


def user_check(*, email: str, full_name: str, password: str) -> None:
    """Refuse a password the validators reject for an account with this email and name."""
    candidate = User(email=email.strip().lower(), full_name=full_name)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        raise DomainError(
            "account.weak_password", " ".join(exc.messages), field="password"
        ) from exc
