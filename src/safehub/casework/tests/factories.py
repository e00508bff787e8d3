"""Synthetic cases for the casework tests."""

from datetime import timedelta

import factory

from safehub.accounts.constants import Role, TeamKind
from safehub.accounts.models import TeamMembership
from safehub.accounts.tests.factories import TeamFactory, UserFactory
from safehub.casework.constants import CaseLevel, CaseService, NoteKind
from safehub.casework.models import CaseNote, Involvement, LetterTemplate
from safehub.people.tests.factories import PersonFactory
from safehub.platform import clock


class InvolvementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Involvement

    person = factory.SubFactory(PersonFactory)
    service = CaseService.CHILD_IN_NEED
    level = CaseLevel.REFERRAL
    title = "Referral"
    opened_on = factory.LazyFunction(lambda: clock.today() - timedelta(days=10))


class CaseNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseNote

    person = factory.SubFactory(PersonFactory)
    kind = NoteKind.CASE_NOTE
    occurred_at = factory.LazyFunction(clock.now)
    subject = factory.Faker("sentence", nb_words=4)
    text = factory.Faker("paragraph")
    author = factory.SubFactory(UserFactory)


class LetterTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LetterTemplate

    name = factory.Sequence(lambda n: f"Letter {n}")
    body = "Dear $parent_name,\n\nWe are writing about $child_name.\n\n$worker_name"


def team_with(*roles: str, kind: str = TeamKind.ASSESSMENT) -> tuple[object, list[object]]:
    """A team and one member per role (in order), each with a second factor enrolled."""
    from safehub.accounts.tests.factories import enrol_totp

    team = TeamFactory(kind=kind)
    members = []
    for role in roles or (Role.SOCIAL_WORKER,):
        user = UserFactory(role=role, agency=team.agency)
        enrol_totp(user)
        TeamMembership.objects.create(team=team, user=user)
        members.append(user)
    return team, members
