"""The people every access test talks about, at two clinics."""

import datetime as dt
from dataclasses import dataclass

from needlecare.accounts.models import Role, User
from needlecare.clinics.models import Clinic, Credential, Therapist
from needlecare.common.testing.factories import (
    ClinicFactory,
    CredentialFactory,
    PatientFactory,
    StaffFactory,
    TherapistFactory,
)
from needlecare.patients.models import Patient


@dataclass
class Practice:
    stoughton: Clinic
    foxboro: Clinic
    therapist: Therapist  # certified, works at Stoughton
    front_desk: User  # Stoughton
    admin: User  # Stoughton
    outsider: User  # front desk at Foxboro
    outsider_admin: User  # clinic admin at Foxboro
    patient: Patient  # a Stoughton patient with an online account
    other_patient: Patient  # a Foxboro patient with an online account


def build_practice() -> Practice:
    stoughton = ClinicFactory(name="Stoughton", slug="stoughton", phone="781-436-0391")
    foxboro = ClinicFactory(name="Foxboro", slug="foxboro", city="Foxborough", phone="774-332-1723")
    therapist = TherapistFactory(user__clinics=[stoughton], user__full_name="Dana Reyes")
    today = dt.date.today()
    for kind in (Credential.Kind.DRY_NEEDLING, Credential.Kind.PT_LICENSE):
        CredentialFactory(
            therapist=therapist,
            kind=kind,
            valid_from=today - dt.timedelta(days=400),
            expires_on=today + dt.timedelta(days=400),
        )
    return Practice(
        stoughton=stoughton,
        foxboro=foxboro,
        therapist=therapist,
        front_desk=StaffFactory(role=Role.FRONT_DESK, clinics=[stoughton]),
        admin=StaffFactory(role=Role.CLINIC_ADMIN, is_staff=True, clinics=[stoughton]),
        outsider=StaffFactory(role=Role.FRONT_DESK, clinics=[foxboro]),
        outsider_admin=StaffFactory(role=Role.CLINIC_ADMIN, is_staff=True, clinics=[foxboro]),
        patient=PatientFactory(preferred_clinic=stoughton),
        other_patient=PatientFactory(preferred_clinic=foxboro),
    )
