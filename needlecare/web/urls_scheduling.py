"""Appointment pages: patients book and manage their own; staff run the clinic's schedule."""

from django.urls import path

from needlecare.web.views import (
    booking,
    patient_appointments,
    schedule,
    staff_appointments,
    staff_courses,
)

urlpatterns = [
    # Patients
    path("book/online/", booking.book_online, name="book-online"),
    path("me/appointments/", patient_appointments.my_appointments, name="my-appointments"),
    path(
        "me/appointments/<int:appointment_id>/cancel/",
        patient_appointments.cancel,
        name="my-appointment-cancel",
    ),
    path("me/appointments/<int:appointment_id>/move/", booking.move, name="my-appointment-move"),
    path("me/waitlist/", patient_appointments.waitlist, name="waitlist-join"),
    path(
        "me/waitlist/offers/<int:offer_id>/accept/",
        patient_appointments.offer_accept,
        name="waitlist-offer-accept",
    ),
    path(
        "me/waitlist/offers/<int:offer_id>/decline/",
        patient_appointments.offer_decline,
        name="waitlist-offer-decline",
    ),
    # Staff
    path("staff/clinics/<slug:slug>/schedule/", schedule.schedule, name="staff-schedule"),
    path("staff/clinics/<slug:slug>/schedule/book/", schedule.book, name="staff-schedule-book"),
    path(
        "staff/appointments/<int:appointment_id>/",
        staff_appointments.appointment,
        name="staff-appointment",
    ),
    path(
        "staff/appointments/<int:appointment_id>/status/",
        staff_appointments.transition,
        name="staff-appointment-transition",
    ),
    path(
        "staff/appointments/<int:appointment_id>/cancel/",
        staff_appointments.cancel,
        name="staff-appointment-cancel",
    ),
    path(
        "staff/appointments/<int:appointment_id>/move/",
        staff_appointments.move,
        name="staff-appointment-move",
    ),
    path(
        "staff/appointments/<int:appointment_id>/course/cancel/",
        staff_courses.cancel_rest,
        name="staff-course-cancel",
    ),
]
