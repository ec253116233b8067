"""Factories that keep related records consistent: a credential's therapist works somewhere."""

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from needlecare.accounts.models import Role, User
from needlecare.clinics.models import Clinic, Credential, StaffMembership, Therapist
from needlecare.patients.models import Patient, Physician

PASSWORD = "a-long-test-password-42"  # noqa: S105 - test accounts only


class ClinicFactory(DjangoModelFactory):
    class Meta:
        model = Clinic
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Clinic {n}")
    slug = factory.Sequence(lambda n: f"clinic-{n}")
    city = "Stoughton"
    postal_code = "02072"
    phone = factory.Sequence(lambda n: f"781-555-{n:04d}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Faker("name")
    role = Role.PATIENT
    password = factory.django.Password(PASSWORD)


class StaffFactory(UserFactory):
    """A member of staff working at `clinic` (pass clinics=[...] for several)."""

    role = Role.FRONT_DESK

    @factory.post_generation
    def clinics(self, create: bool, extracted: list[Clinic] | None, **kwargs: object) -> None:
        for clinic in extracted or [ClinicFactory()]:
            StaffMembership.objects.get_or_create(user=self, clinic=clinic)


class TherapistFactory(DjangoModelFactory):
    class Meta:
        model = Therapist

    user = factory.SubFactory(StaffFactory, role=Role.THERAPIST)
    title = "PT, DPT"


class CredentialFactory(DjangoModelFactory):
    class Meta:
        model = Credential

    therapist = factory.SubFactory(TherapistFactory)
    kind = Credential.Kind.DRY_NEEDLING
    issuer = "Test issuer"
    number = factory.Sequence(lambda n: f"N-{n:05d}")
    valid_from = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=365))
    expires_on = factory.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=365))


class PhysicianFactory(DjangoModelFactory):
    class Meta:
        model = Physician

    name = factory.Faker("name")
    practice = "Family Medicine"
    phone = "781-555-0199"


class PatientFactory(DjangoModelFactory):
    class Meta:
        model = Patient

    user = factory.SubFactory(UserFactory, role=Role.PATIENT)
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    date_of_birth = dt.date(1980, 5, 17)
    email = factory.SelfAttribute("user.email")
    phone = "781-555-0100"
    preferred_clinic = factory.SubFactory(ClinicFactory)
    referring_physician = factory.SubFactory(PhysicianFactory)
