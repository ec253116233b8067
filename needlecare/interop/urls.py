from django.urls import path

from needlecare.interop import views

urlpatterns = [
    path(
        "appointments/<int:appointment_id>/calendar.ics",
        views.appointment_ics,
        name="appointment-ics",
    ),
    path("calendar/<str:token>.ics", views.therapist_feed, name="therapist-feed"),
    path("staff/calendar/", views.therapist_calendar, name="therapist-calendar"),
]
