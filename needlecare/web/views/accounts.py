from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from needlecare.accounts.access import ANY_SIGNED_IN, AuthedRequest, allow, public
from needlecare.accounts.models import User
from needlecare.accounts.registration import (
    registration_awaiting,
    user_registration_confirm,
    user_registration_hold,
)
from needlecare.accounts.services import user_check
from needlecare.accounts.sessions import seconds_left, session_touch, user_sessions_end
from needlecare.accounts.signin import (
    registration_wait,
    reset_wait,
    signin_failed,
    signin_succeeded,
    signin_wait,
)
from needlecare.audit.services import audit_record
from needlecare.common.errors import DomainError
from needlecare.common.limits import too_many_page
from needlecare.outbox.models import Channel
from needlecare.outbox.services import Recipient, message_queue
from needlecare.patients.services import patient_register_online
from needlecare.web.forms import RegistrationForm, attempt
from needlecare.web.mail.accounts import (
    PASSWORD_RESET,
    REGISTRATION_CONFIRM,
    REGISTRATION_EXISTING,
)


class ThrottledLoginView(auth_views.LoginView):
    """Django's sign-in, throttled per account, address and both (accounts.signin)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        email = str(request.POST.get("username", ""))[:254]
        wait = signin_wait(request, email)
        if wait is not None:
            return too_many_page(request, wait)
        return super().post(request, *args, **kwargs)

    def get_form(self, form_class: Any = None) -> AuthenticationForm:
        form: AuthenticationForm = super().get_form(form_class)
        form.fields["username"].label = _("Email")  # the model's word is not translated
        return form

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        signin_succeeded(self.request, form.get_user().email, response)
        return response

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        signin_failed(self.request, str(self.request.POST.get("username", ""))[:254])
        return super().form_invalid(form)


class PasswordChangeEndingSessions(auth_views.PasswordChangeView):
    """Django's password change; every other session of the account ends at once."""

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        user_sessions_end(user=form.user, keep=self.request.session.session_key)
        return response


login_view = public(
    ThrottledLoginView.as_view(
        template_name="accounts/login.html", redirect_authenticated_user=True
    )
)
logout_view = public(require_POST(auth_views.LogoutView.as_view()))
password_change = allow(*ANY_SIGNED_IN)(
    PasswordChangeEndingSessions.as_view(
        template_name="accounts/password_change.html",
        success_url=reverse_lazy("password-change-done"),
    )
)
password_change_done = allow(*ANY_SIGNED_IN)(
    auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html")
)


class PasswordResetRequestForm(PasswordResetForm):
    """Django's form, but the message goes through the outbox like every other."""

    def save(self, *args: object, **kwargs: object) -> None:
        # The same answer whether or not the address is known: the view never says.
        with transaction.atomic():
            for user in self.get_users(self.cleaned_data["email"]):
                message_queue(
                    kind=PASSWORD_RESET,
                    about=user,
                    to=[Recipient(Channel.EMAIL, user.email, user_id=user.pk)],
                    key=f"{user.pk}:{timezone.now().isoformat()}",
                )


class PasswordResetSetForm(SetPasswordForm):
    """Django's form; the reset, done through the link in a message, is audited."""

    def save(self, commit: bool = True) -> User:
        with transaction.atomic():
            user: User = super().save(commit=commit)
            audit_record(actor=user, action="user.password_reset", target=user)
            user_sessions_end(user=user)
        return user


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """Django's reset request, limited per address and per address asked about."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        wait = reset_wait(request, str(request.POST.get("email", ""))[:254].strip().lower())
        if wait is not None:
            return too_many_page(request, wait)
        return super().post(request, *args, **kwargs)


password_reset = public(
    ThrottledPasswordResetView.as_view(
        form_class=PasswordResetRequestForm,
        template_name="accounts/password_reset.html",
        success_url=reverse_lazy("password-reset-sent"),
    )
)
password_reset_sent = public(
    auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_sent.html")
)
password_reset_confirm = public(
    auth_views.PasswordResetConfirmView.as_view(
        form_class=PasswordResetSetForm,
        template_name="accounts/password_reset_confirm.html",
        success_url=reverse_lazy("password-reset-complete"),
    )
)
password_reset_complete = public(
    auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/password_reset_complete.html"
    )
)


@allow(*ANY_SIGNED_IN)
def after_login(request: AuthedRequest) -> HttpResponseRedirect:
    return redirect("patient-home" if request.user.is_patient else "staff-home")


def _register_new(form: RegistrationForm) -> User | None:
    """Open a held account and send its confirmation link; None if the address is in use."""
    try:
        with transaction.atomic():
            patient = patient_register_online(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                details=form.details(),
                clinic=form.cleaned_data["preferred_clinic"],
                physician=form.physician(),
            )
            assert patient.user is not None
            user = user_registration_hold(user=patient.user)
            _tell(user, REGISTRATION_CONFIRM)
        return user
    except DomainError as exc:
        if exc.code == "account.email_taken":  # registered a moment ago by another request
            return None
        raise


def _tell(user: User, kind: str) -> None:
    message_queue(
        kind=kind,
        about=user,
        to=[Recipient(Channel.EMAIL, user.email, user_id=user.pk)],
        key=f"{user.pk}:{timezone.now().isoformat()}",
    )


def _register(form: RegistrationForm) -> bool:
    """Register, or tell the owner of an address in use; the caller answers alike either way
    (the password is judged first, so a weak one is refused for every address)."""
    data = form.cleaned_data
    user_check(
        email=data["email"],
        full_name=f"{data['first_name']} {data['last_name']}",
        password=data["password"],
    )
    existing = User.objects.filter(email__iexact=form.cleaned_data["email"].strip()).first()
    if existing is None and _register_new(form) is not None:
        return True
    existing = existing or User.objects.get(email__iexact=form.cleaned_data["email"].strip())
    make_password(data["password"])  # as long as a new account takes: timing tells nothing
    if existing.is_active:
        with transaction.atomic():
            _tell(existing, REGISTRATION_EXISTING)
    elif registration_awaiting(existing):
        with transaction.atomic():
            _tell(existing, REGISTRATION_CONFIRM)
    return True


@public
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("after-login")
    if request.method == "POST":
        wait = registration_wait(request, str(request.POST.get("email", ""))[:254].strip().lower())
        if wait is not None:
            return too_many_page(request, wait)
    form = RegistrationForm(request.POST or None)
    outcome = attempt(form, lambda: _register(form))
    if outcome.value:
        return redirect("register-sent")
    return render(request, "accounts/register.html", {"form": form}, status=outcome.status)


@public
def register_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/register_sent.html")


@public
def register_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The link in the confirmation message: a button (mail scanners follow links, so only
    the POST opens the account), then the patient is signed in."""
    try:
        user = User.objects.filter(pk=int(force_str(urlsafe_base64_decode(uidb64)))).first()
    except (ValueError, TypeError, OverflowError, UnicodeDecodeError):
        user = None
    if (
        request.method == "POST"
        and user is not None
        and user_registration_confirm(user=user, token=token)
    ):
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome. Your account is ready."))
        return redirect("patient-home")
    valid = user is not None and registration_awaiting(user)
    status = 200 if valid and request.method == "GET" else 400
    return render(request, "accounts/register_confirm.html", {"valid": valid}, status=status)


@allow(*ANY_SIGNED_IN)
def session_status(request: AuthedRequest) -> JsonResponse:
    """How long the session may stay idle. GET only looks; POST ("stay signed in") is activity."""
    if request.method == "POST":
        session_touch(request, force=True)
    elif request.method != "GET":
        return JsonResponse({"detail": "Use GET or POST."}, status=405)
    return JsonResponse({"seconds_left": seconds_left(request)})
