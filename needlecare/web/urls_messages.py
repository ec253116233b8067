from django.urls import path

from needlecare.web.views import accounts, adverse_events, links, patient

urlpatterns = [
    # Links in messages (signed, single-purpose, expiring; no sign-in)
    path("links/visit/<str:token>/", links.visit_screening, name="link-visit-screening"),
    path("links/offer/<str:token>/", links.offer, name="link-offer"),
    path("links/check-in/<str:token>/", links.check_in, name="link-check-in"),
    # Forgotten passwords
    path("accounts/password/reset/", accounts.password_reset, name="password-reset"),
    path("accounts/password/reset/sent/", accounts.password_reset_sent, name="password-reset-sent"),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        accounts.password_reset_confirm,
        name="password-reset-confirm",
    ),
    path(
        "accounts/password/reset/done/",
        accounts.password_reset_complete,
        name="password-reset-complete",
    ),
    # How a patient hears from the clinic
    path("me/messages/", patient.message_preferences, name="my-messages"),
    # Reviewing what a patient reported after a session
    path(
        "staff/adverse-events/<int:event_id>/review/",
        adverse_events.adverse_event_review,
        name="staff-adverse-event-review",
    ),
]
