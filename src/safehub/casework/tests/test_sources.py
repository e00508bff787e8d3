"""Casework's registrations with people: allocated workers and significant notes (issue 5)."""

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safehub.accounts.constants import Role
from safehub.casework.services.involvement import allocation_change
from safehub.casework.sources import NOTE_KIND, allocated_workers
from safehub.people.alerts.registry import allocated_workers_for
from safehub.people.chronology import chronology_for
from safehub.people.tests.factories import PersonFactory
from safehub.platform import clock

from .factories import CaseNoteFactory, InvolvementFactory, team_with

pytestmark = pytest.mark.django_db


def test_the_provider_names_the_current_worker_only() -> None:
    team, (manager, before, now) = team_with(Role.TEAM_MANAGER, Role.SOCIAL_WORKER, Role.SOCIAL_WORKER)
    child = PersonFactory()
    involvement = InvolvementFactory(person=child)
    allocation_change(actor=manager, involvement=involvement, team=team, worker=before)
    allocation_change(actor=manager, involvement=involvement, team=team, worker=now, reason="MANAGE")
    InvolvementFactory(person=child, closed_on=clock.today(), worker=before)  # a closed case: not asked
    assert allocated_workers(child) == [now]
    assert allocated_workers_for(child) == [now]  # registered with people in AppConfig.ready()


def test_the_provider_names_nobody_for_an_unallocated_child() -> None:
    child = PersonFactory()
    InvolvementFactory(person=child)
    assert allocated_workers_for(child) == []


def _note_entries(actor: Any, person: Any) -> list[Any]:
    return [e for e in chronology_for(actor=actor, person=person).entries if e.kind == NOTE_KIND]


def test_only_significant_notes_reach_the_chronology(make_user: Any) -> None:
    child = PersonFactory()
    CaseNoteFactory(person=child, significant=True, subject="Disclosure at school")
    CaseNoteFactory(person=child, significant=False, subject="Phoned the school")
    entries = _note_entries(make_user(Role.SOCIAL_WORKER, mfa=False), child)
    assert [e.title for e in entries] == ["Case note: Disclosure at school"]


def test_roles_without_view_cases_see_no_notes(make_user: Any) -> None:
    child = PersonFactory()
    CaseNoteFactory(person=child, significant=True)
    assert _note_entries(make_user(Role.EARLY_HELP, mfa=False), child) == []


def test_the_notes_source_reads_in_one_query_whatever_the_number() -> None:
    from safehub.accounts.tests.factories import UserFactory
    from safehub.casework.sources import significant_notes

    actor = UserFactory(role=Role.SOCIAL_WORKER)
    child = PersonFactory()
    involvement = InvolvementFactory(person=child, url="/cases/referrals/x/")
    counts = []
    for how_many in (1, 29):  # 1 note, then 30
        for n in range(how_many):
            CaseNoteFactory(
                person=child,
                involvement=involvement,
                significant=True,
                author=UserFactory(),
                occurred_at=clock.now() - timedelta(days=n),
            )
        with CaptureQueriesContext(connection) as queries:
            entries = list(significant_notes(child, actor))
        counts.append(len(queries))
        assert all(e.url == "/cases/referrals/x/" for e in entries)
    assert len(entries) == 30
    assert counts == [1, 1]
