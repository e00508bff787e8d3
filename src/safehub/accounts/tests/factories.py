"""Factories for users, agencies and teams. Synthetic data only (en_GB Faker)."""

from typing import Any

import factory
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from safehub.accounts.constants import AgencyKind, Role, TeamKind
from safehub.accounts.models import Agency, Team, TeamMembership, User

factory.Faker._DEFAULT_LOCALE = "en_GB"

DEFAULT_PASSWORD = "correct horse battery staple"

# The agency each role normally works for.
ROLE_AGENCY_KIND = {
    Role.MASH_PARTNER: AgencyKind.POLICE,
    Role.REFERRER: AgencyKind.SCHOOL,
    Role.PARTNERSHIP_MANAGER: AgencyKind.CHILDRENS_SERVICES,
}


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Agency {n}")
    kind = AgencyKind.CHILDRENS_SERVICES


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    kind = TeamKind.ASSESSMENT
    agency = factory.SubFactory(AgencyFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    full_name = factory.Faker("name")
    role = Role.SOCIAL_WORKER
    agency = factory.LazyAttribute(
        lambda o: AgencyFactory(
            name=f"Test {ROLE_AGENCY_KIND.get(o.role, AgencyKind.CHILDRENS_SERVICES).label}",
            kind=ROLE_AGENCY_KIND.get(o.role, AgencyKind.CHILDRENS_SERVICES),
        )
    )

    @factory.post_generation
    def password(self, create: bool, extracted: str | None, **kwargs: Any) -> None:
        self.set_password(extracted or DEFAULT_PASSWORD)
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def teams(self, create: bool, extracted: list[Team] | None, **kwargs: Any) -> None:
        for team in extracted or []:
            TeamMembership.objects.create(team=team, user=self)


def enrol_totp(user: User) -> str:
    """Give `user` a TOTP authenticator; returns the base32 secret so a test can make codes."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def has_totp(user: User) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def totp_code(secret: str) -> str:
    """The code an authenticator app would show now for `secret`."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))
