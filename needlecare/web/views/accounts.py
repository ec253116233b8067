from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_POST

from needlecare.accounts.access import ANY_SIGNED_IN, AuthedRequest, allow, public
from needlecare.accounts.models import User
from needlecare.audit.services import audit_record
from needlecare.outbox.models import Channel
from needlecare.outbox.services import Recipient, message_queue
from needlecare.patients.services import patient_register_online
from needlecare.web.forms import RegistrationForm, attempt
from needlecare.web.mail.accounts import PASSWORD_RESET

login_view = public(
    auth_views.LoginView.as_view(
        template_name="accounts/login.html", redirect_authenticated_user=True
    )
)
logout_view = public(require_POST(auth_views.LogoutView.as_view()))
password_change = allow(*ANY_SIGNED_IN)(
    auth_views.PasswordChangeView.as_view(
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
        return user


password_reset = public(
    auth_views.PasswordResetView.as_view(
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


@public
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("after-login")
    form = RegistrationForm(request.POST or None)
    outcome = attempt(
        form,
        lambda: patient_register_online(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password"],
            details=form.details(),
            clinic=form.cleaned_data["preferred_clinic"],
            physician=form.physician(),
        ),
    )
    if outcome.value is not None:
        login(request, outcome.value.user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Welcome. Your account is ready.")
        return redirect("patient-home")
    return render(request, "accounts/register.html", {"form": form}, status=outcome.status)
