"""Appointment pages: patients book and manage their own; staff run the clinic's schedule."""

from django.urls import path

from needlecare.web.views import booking, schedule

urlpatterns = [
    # Patients
    path("book/online/", booking.book_online, name="book-online"),
    path("me/appointments/", booking.my_appointments, name="my-appointments"),
    path(
        "me/appointments/<int:appointment_id>/cancel/",
        booking.cancel,
        name="my-appointment-cancel",
    ),
    path("me/appointments/<int:appointment_id>/move/", booking.move, name="my-appointment-move"),
    path("me/waitlist/", booking.waitlist, name="waitlist-join"),
    path(
        "me/waitlist/offers/<int:offer_id>/accept/",
        booking.offer_accept,
        name="waitlist-offer-accept",
    ),
    path(
        "me/waitlist/offers/<int:offer_id>/decline/",
        booking.offer_decline,
        name="waitlist-offer-decline",
    ),
    # Staff
    path("staff/clinics/<slug:slug>/schedule/", schedule.schedule, name="staff-schedule"),
    path("staff/clinics/<slug:slug>/schedule/book/", schedule.book, name="staff-schedule-book"),
    path(
        "staff/appointments/<int:appointment_id>/",
        schedule.appointment,
        name="staff-appointment",
    ),
    path(
        "staff/appointments/<int:appointment_id>/status/",
        schedule.transition,
        name="staff-appointment-transition",
    ),
    path(
        "staff/appointments/<int:appointment_id>/cancel/",
        schedule.cancel,
        name="staff-appointment-cancel",
    ),
    path(
        "staff/appointments/<int:appointment_id>/move/",
        schedule.move,
        name="staff-appointment-move",
    ),
]
