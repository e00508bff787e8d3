"""Reads for information governance and for record pages (R22, R23, T19)."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from safehub.access.constants import GrantStatus, Level, ReviewOutcome
from safehub.access.selectors import (
    break_glass_active_for_user,
    break_glass_monthly_report,
    grants_active_for_user,
    grants_for_record,
    grants_pending,
    restriction_banner,
)
from safehub.accounts.constants import Role
from safehub.audit.constants import Verb
from safehub.audit.models import AuditEvent
from safehub.platform.errors import PermissionRefused

from ..factories import make_break_glass, make_grant, make_person, restrict

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(make_user):
    return make_user(Role.IG_OFFICER, mfa=False)


@pytest.fixture
def worker(make_user):
    return make_user(Role.SOCIAL_WORKER, mfa=False)


def test_pending_grants_oldest_first_and_only_for_approvers(officer, worker, make_user):
    restriction = restrict(make_person(), Level.SEALED)
    other = make_user(Role.SOCIAL_WORKER, mfa=False)
    first = make_grant(restriction, worker, status=GrantStatus.PENDING)
    second = make_grant(restriction, other, status=GrantStatus.PENDING)
    make_grant(restrict(make_person(given_name="B")), other)
    assert list(grants_pending(actor=officer)) == [first, second]
    with pytest.raises(PermissionRefused):
        grants_pending(actor=worker)


def test_grants_for_a_record_and_active_for_a_user(officer, worker):
    mine = restrict(make_person())
    active = make_grant(mine, worker)
    make_grant(mine, worker, status=GrantStatus.ACTIVE, starts_in=timedelta(days=-9), lasts=timedelta(days=2))
    assert len(grants_for_record(actor=officer, restriction=mine)) == 2
    assert list(grants_active_for_user(actor=worker, user=worker)) == [active]
    assert list(grants_active_for_user(actor=officer, user=worker)) == [active]
    with pytest.raises(PermissionRefused):
        grants_active_for_user(actor=worker, user=officer)


def test_active_uses_for_a_user(officer, worker):
    person = make_person()
    restrict(person)
    live = make_break_glass(worker, person)
    make_break_glass(worker, person, started_ago=timedelta(hours=5))
    assert list(break_glass_active_for_user(actor=worker, user=worker)) == [live]
    assert list(break_glass_active_for_user(actor=officer, user=worker)) == [live]
    with pytest.raises(PermissionRefused):
        break_glass_active_for_user(actor=worker, user=officer)


def test_banner_says_until_when_emergency_access_lasts(worker):
    """R23: the record page can say "Restricted record — you are using emergency access until 14:32"."""
    person = make_person()
    assert restriction_banner(actor=worker, obj=person) is None
    restrict(person)
    with time_machine.travel(datetime(2026, 6, 1, 12, 32, tzinfo=UTC), tick=False):
        use = make_break_glass(worker, person, started_ago=timedelta(0))
        flag = restriction_banner(actor=worker, obj=person)
    assert flag is not None
    assert (flag.level, flag.level_label, flag.is_sealed) == (Level.RESTRICTED, "Restricted", False)
    assert flag.break_glass_until == use.expires_at
    assert flag.via_emergency_access
    assert flag.grant_until is None


def test_banner_for_a_granted_sealed_record(worker):
    person = make_person()
    grant = make_grant(restrict(person, Level.SEALED), worker)
    make_break_glass(worker, person)  # never counts on a sealed record
    flag = restriction_banner(actor=worker, obj=person)
    assert flag is not None
    assert (flag.is_sealed, flag.grant_until, flag.break_glass_until) == (True, grant.expires_at, None)
    assert not flag.via_emergency_access


def test_monthly_report_counts_by_user_and_outcome_in_local_months(officer, make_user):
    """T19: the Caldicott Guardian's report; month edges follow UK local time (BST here)."""
    alice = make_user(Role.SOCIAL_WORKER, mfa=False, full_name="Alice Adebayo")
    bob = make_user(Role.TEAM_MANAGER, mfa=False, full_name="Bob Brennan")
    person = make_person()
    restrict(person)

    def use_at(user, when, outcome=""):
        with time_machine.travel(when, tick=False):
            use = make_break_glass(user, person, started_ago=timedelta(0))
        if outcome:
            use.review_outcome = outcome
            use.reviewed_by = officer
            use.save()
        return use

    # 31 May 23:30 UTC is 1 June 00:30 in London: June.
    use_at(alice, datetime(2026, 5, 31, 23, 30, tzinfo=UTC), ReviewOutcome.JUSTIFIED)
    use_at(alice, datetime(2026, 6, 10, 9, 0, tzinfo=UTC), ReviewOutcome.JUSTIFIED)
    use_at(alice, datetime(2026, 6, 11, 9, 0, tzinfo=UTC))
    use_at(bob, datetime(2026, 6, 30, 22, 59, tzinfo=UTC), ReviewOutcome.NOT_JUSTIFIED)
    use_at(bob, datetime(2026, 6, 30, 23, 0, tzinfo=UTC))  # 1 July 00:00 in London: July
    use_at(bob, datetime(2026, 5, 31, 22, 59, tzinfo=UTC))  # 31 May 23:59 in London: May

    report = break_glass_monthly_report(actor=officer, year=2026, month=6)
    rows = [(str(r.user), r.outcome, r.count) for r in report.rows]
    assert rows == [
        ("Alice Adebayo", "", 1),
        ("Alice Adebayo", ReviewOutcome.JUSTIFIED, 2),
        ("Bob Brennan", ReviewOutcome.NOT_JUSTIFIED, 1),
    ]
    assert report.total == 4
    assert report.unreviewed == 1
    assert report.by_outcome[ReviewOutcome.JUSTIFIED.label] == 2
    event = AuditEvent.objects.filter(verb=Verb.LIST, section="monthly_report").get()
    assert event.detail["result_count"] == 4
    assert break_glass_monthly_report(actor=officer, year=2026, month=12).total == 0
    with pytest.raises(PermissionRefused):
        break_glass_monthly_report(actor=alice, year=2026, month=6)
