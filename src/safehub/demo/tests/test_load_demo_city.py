"""The demo city: loads once through the services, is idempotent, and prints working logins (T18).

Every test here reads the one city the module-scoped `loaded` fixture loads."""

import io
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import override_settings
from django.urls import reverse
from nhs_number import is_valid

from safehub.access.constants import Level
from safehub.access.models import RestrictedRecord
from safehub.accounts.constants import Role, TeamKind
from safehub.accounts.models import Agency, Team, User
from safehub.audit.services import verify_audit_chain
from safehub.casework.constants import TaskStatus
from safehub.casework.models import Task
from safehub.demo import city, totp
from safehub.demo import looked_after as looked_after_demo
from safehub.early_help.constants import EndReason, EpisodeSource, RequestStatus, StepDirection
from safehub.early_help.models import EarlyHelpEpisode, GoalScore, Step, SupportRequest
from safehub.early_help.policies import episode_policy
from safehub.people.models import Person
from safehub.platform import clock

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
PEOPLE = 30


def _load(*extra: str, flag: bool = True) -> str:
    out = io.StringIO()
    # The returns are produced, not validated: test_demo_stories runs the validators once.
    call_command(
        "load_demo_city",
        "--people",
        str(PEOPLE),
        *(["--i-know-this-is-not-production"] if flag else []),
        "--no-validate",
        *extra,
        stdout=out,
    )
    return out.getvalue()


def _age(dob: date, today: date) -> int:
    return today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))


@pytest.fixture(scope="module")
def loaded(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    """The city, loaded once for the whole module (a load is the slowest step in the suite).

    It is loaded inside a transaction that is rolled back after the module's last test; each test
    runs in a savepoint within it (pytest-django's `db`), so a test that resets or reloads the
    city leaves the next one the same city. Tests that need no city, or an empty database, live in
    test_demo_guards.py: in this module the city is there for every test, whatever their order.
    """
    from safehub.audit import triggers
    from safehub.audit.models import AuditChainHead

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            # The audit trail as migrated, whatever an earlier transactional test left behind.
            if not triggers.present(connection):
                triggers.install(connection)
            AuditChainHead.objects.get_or_create(pk=1)
            # With DEBUG on, the loader runs without --i-know-this-is-not-production: this load is
            # also the test of that guard (test_demo_guards.py tests the refusal with DEBUG off).
            with override_settings(DEBUG=True):
                output = _load("--seed", "7", flag=False)
            yield output
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def test_loads_agencies_teams_a_user_per_role_and_people(loaded: str) -> None:
    assert "Demo city loaded" in loaded
    assert "100%" in loaded
    assert Agency.objects.count() == len(city.AGENCIES)
    assert Agency.objects.filter(name="Safehub City Council Children's Services").exists()
    assert set(Team.objects.values_list("kind", flat=True)) == set(TeamKind.values)
    demo_users = User.objects.filter(email__endswith=f"@{city.DEMO_DOMAIN}")
    assert set(demo_users.values_list("role", flat=True)) == set(Role.values)
    assert demo_users.count() == len(city.USERS)  # a second partner and referrer for the front door
    partner = demo_users.get(email=f"mash.partner@{city.DEMO_DOMAIN}")
    assert partner.agency.name == "Safehub Constabulary"
    assert demo_users.get(email=f"referrer@{city.DEMO_DOMAIN}").agency.kind == "school"
    assert demo_users.get(role=Role.TEAM_MANAGER).memberships.filter(is_manager=True).exists()
    assert all(Authenticator.objects.filter(user=u, type="totp").exists() for u in demo_users)
    assert all(u.check_password(city.DEMO_PASSWORD) for u in demo_users)
    assert _city_people().count() == PEOPLE


def test_people_are_synthetic_and_plausible(loaded: str) -> None:
    today = clock.today()
    people = list(Person.objects.all())
    numbers = [p.nhs_number for p in people if p.nhs_number]
    assert numbers, "most people have an NHS number"
    # T18: only numbers from the range the NHS never issues, each with a valid check digit.
    assert all(n.startswith("9") and is_valid(n) for n in numbers)
    assert len(set(numbers)) == len(numbers)
    born = [p.date_of_birth for p in people if p.date_of_birth]
    assert all(0 <= _age(dob, today) <= 70 for dob in born)
    assert any(_age(dob, today) < 18 for dob in born)
    assert any(_age(dob, today) >= 18 for dob in born)
    unborn = [p for p in people if not p.date_of_birth]
    assert all(p.expected_date_of_birth and p.expected_date_of_birth > today for p in unborn)


def test_three_restricted_and_one_sealed_namesake(loaded: str) -> None:
    """R22: the sealed child shares a name with an ordinary child, so search can be tried on it."""
    levels = sorted(RestrictedRecord.objects.values_list("level", flat=True))
    assert levels == [Level.RESTRICTED, Level.RESTRICTED, Level.RESTRICTED, Level.SEALED]
    sealed = Person.objects.get(pk=RestrictedRecord.objects.get(level=Level.SEALED).object_id)
    namesakes = Person.objects.filter(given_name=sealed.given_name, family_name=sealed.family_name)
    assert namesakes.count() >= 2


def test_second_run_is_idempotent_and_prints_the_logins_again(loaded: str) -> None:
    people = set(Person.objects.values_list("pk", flat=True))
    again = _load()
    assert "already loaded" in again
    assert "Demo city loaded" not in again
    assert set(Person.objects.values_list("pk", flat=True)) == people
    assert User.objects.filter(email__endswith=f"@{city.DEMO_DOMAIN}").count() == len(city.USERS)
    assert "social.worker@demo.safehub.test" in again


def test_reset_replaces_the_people_and_keeps_the_chain_intact(loaded: str) -> None:
    before = set(Person.objects.values_list("pk", flat=True))
    output = _load("--reset", "--seed", "7")
    assert "Demo city loaded" in output
    after = set(Person.objects.values_list("pk", flat=True))
    assert len(after - set(looked_after_demo.people_added())) == PEOPLE
    assert not before & after
    assert RestrictedRecord.objects.count() == 4
    assert verify_audit_chain().ok


def test_prints_role_email_password_secret_and_code(loaded: str) -> None:
    for spec in city.USERS:
        line = next(line for line in loaded.splitlines() if f" {spec.email} " in line)
        assert str(Role(spec.role).label) in line
        assert city.DEMO_PASSWORD in line
        secret = totp.derive_secret(7, spec.email)
        assert secret in line
        assert re.search(r"\b\d{6}\b", line.split(secret)[1])
    assert "safehub demo_totp <email>" in loaded
    assert "add the secret to an authenticator app".lower() in loaded.lower()


def test_demo_totp_prints_a_code_that_allauth_accepts(loaded: str) -> None:
    out = io.StringIO()
    call_command("demo_totp", "team.manager@demo.safehub.test", stdout=out, stderr=io.StringIO())
    code = out.getvalue().strip()
    assert re.fullmatch(r"\d{6}", code)
    user = User.objects.get(email="team.manager@demo.safehub.test")
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    assert TOTP(authenticator).validate_code(code)


@pytest.mark.parametrize(
    "email", ["someone@council.gov.uk", "x@demo.safehub.test.evil.example", "demo.safehub.test"]
)
def test_demo_totp_refuses_non_demo_addresses(loaded: str, email: str) -> None:
    with pytest.raises(CommandError, match="only demo accounts"):
        call_command("demo_totp", email, stdout=io.StringIO())


@pytest.mark.parametrize(
    "email", ["social.worker@demo.safehub.test", "ig.officer@demo.safehub.test", "sysadmin@demo.safehub.test"]
)
def test_a_demo_user_can_sign_in_with_password_and_totp(loaded: str, client, email: str) -> None:
    response = client.post(reverse("account_login"), {"login": email, "password": city.DEMO_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    user = User.objects.get(email=email)
    secret = totp.stored_secret(user)
    assert secret
    code = totp.code_now(secret)
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302
    assert client.get(reverse("web:home")).status_code == 200


def test_demo_people_are_findable_by_the_demo_social_worker(loaded: str, client) -> None:
    worker = User.objects.get(email="social.worker@demo.safehub.test")
    client.force_login(worker)
    sealed_id = RestrictedRecord.objects.get(level=Level.SEALED).object_id
    sealed = Person.objects.get(pk=sealed_id)
    html = client.post(
        reverse("people:search"), {"family_name": sealed.family_name, "given_name": sealed.given_name}
    ).content.decode()
    assert "found" in html
    assert str(sealed_id) not in html


# --- family networks (issue 3) -----------------------------------------------------------------
def test_families_have_every_part_of_the_person_index(loaded: str) -> None:
    from safehub.people.constants import STORED_RELATIONSHIPS, IdentifierKind, NameKind, RiskFlagKind
    from safehub.people.models import (
        Household,
        PersonAddress,
        PersonIdentifier,
        PersonName,
        Relationship,
        RiskFlag,
    )

    assert Household.objects.filter(members__isnull=False).distinct().count() >= 3
    # Every stored relationship type appears (each is read from both sides by the page).
    assert set(Relationship.objects.values_list("kind", flat=True)) == set(STORED_RELATIONSHIPS)
    previous = PersonName.objects.get(kind=NameKind.PREVIOUS, valid_to__isnull=False, family_name="Ashworth")
    assert previous.person.date_of_birth
    assert previous.source_agency is not None
    assert PersonName.objects.filter(kind=NameKind.ALIAS).exists()
    issuers = set(
        PersonIdentifier.objects.filter(issuing_agency__isnull=False).values_list(
            "issuing_agency__kind", flat=True
        )
    )
    assert {"gp_practice", "police"} <= issuers
    assert PersonIdentifier.objects.filter(kind=IdentifierKind.UPN).exists()
    assert PersonAddress.objects.filter(valid_to__isnull=False).exists()  # an address they moved from
    # Every demo address sits on the city's real public geography, so the validators can place it.
    from safehub.demo.postcodes import places

    postcodes = set(PersonAddress.objects.values_list("address__postcode", flat=True))
    assert postcodes
    assert postcodes <= set(places())
    # The flagged adult lives in a household with children and carries the MAPPA flag too.
    flagged = RiskFlag.objects.get(kind=RiskFlagKind.POSING_RISK_TO_CHILDREN).person
    assert RiskFlag.objects.filter(person=flagged, kind=RiskFlagKind.MAPPA_NOMINAL).exists()
    household = flagged.household_memberships.get().household
    assert any(
        m.person.date_of_birth and _age(m.person.date_of_birth, clock.today()) < 18
        for m in household.members.all()
    )
    assert RiskFlag.objects.filter(sensitivity="sensitive").exists()


def test_children_have_disabilities_none_or_nothing_recorded(loaded: str) -> None:
    """The returns see all three answers (Annex A's Yes, No and Unknown), and the census rules hold:
    NONE alone (8790), each code once (8794), recorded through the service (audited)."""
    from safehub.audit.models import AuditEvent
    from safehub.people.models import PersonDisability

    codes: dict[Any, list[str]] = {}
    for person_id, code in PersonDisability.objects.filter(removed_at__isnull=True).values_list(
        "person_id", "code"
    ):
        codes.setdefault(person_id, []).append(code)
    assert any(c == ["NONE"] for c in codes.values())
    assert any("NONE" not in c for c in codes.values())
    assert all(len(set(c)) == len(c) and ("NONE" not in c or c == ["NONE"]) for c in codes.values())
    born_children = [
        p.pk
        for p in Person.objects.filter(date_of_birth__isnull=False)
        if p.date_of_birth and _age(p.date_of_birth, clock.today()) < 18
    ]
    assert any(pk not in codes for pk in born_children)
    assert AuditEvent.objects.filter(section="disabilities").count() == sum(map(len, codes.values()))


def test_near_duplicates_are_there_for_the_review_queue(loaded: str) -> None:
    """Two or three records of the same person with a typo or a swapped day and month, no NHS number."""
    copies = Person.objects.filter(nhs_number="", date_of_birth__isnull=False).exclude(
        given_name__in=["Darren", "Maureen", "Callum", "Seren"]
    )
    originals = Person.objects.exclude(nhs_number="")
    pairs = 0
    for copy in copies:
        dob = copy.date_of_birth
        assert dob is not None
        swapped = dob.replace(day=dob.month, month=dob.day) if dob.day <= 12 else dob
        same_day = originals.filter(date_of_birth__in=[dob, swapped])
        if any(
            (o.given_name, o.family_name) != (copy.given_name, copy.family_name) or o.date_of_birth != dob
            for o in same_day
            if o.given_name[:1] == copy.given_name[:1] and o.family_name[:1] == copy.family_name[:1]
        ):
            pairs += 1
    assert pairs >= 2


def test_a_mash_search_is_told_the_refuge_record_matches(loaded: str) -> None:
    """Issue 3: the printed hint finds the restricted person for the MASH, and nothing for others."""
    from safehub.people.services.match import person_match

    line = next(line for line in loaded.splitlines() if "/people/find/" in line)
    match = re.search(r"search for (\w+) (\w+), born (\d\d)/(\d\d)/(\d{4})", line)
    assert match
    given, family, day, month, year = match.groups()
    query = {"given_name": given, "family_name": family, "date_of_birth": f"{year}-{month}-{day}"}
    mash = User.objects.get(role=Role.MASH_SOCIAL_WORKER, email__endswith=city.DEMO_DOMAIN)
    result = person_match(actor=mash, query=query)
    assert result.restricted_matches == 1
    assert all(c.person.family_name != family for c in result.candidates)
    worker = User.objects.get(email=f"social.worker@{city.DEMO_DOMAIN}")
    assert person_match(actor=worker, query=query).restricted_matches == 0


def test_reset_leaves_no_orphaned_addresses_or_households(loaded: str) -> None:
    from safehub.people.models import Address, Household

    counts = (Address.objects.count(), Household.objects.count())
    _load("--reset", "--seed", "7")
    assert (Address.objects.count(), Household.objects.count()) == counts


def _city_people() -> Any:
    """The generated city (`--people`): the children in care module adds carers and care leavers
    beyond it."""
    return Person.objects.exclude(pk__in=looked_after_demo.people_added())


def test_early_help_families_at_every_stage(loaded: str) -> None:
    """Issue 9: families in early help, built through its services, with the partners' view.

    The test city is small (30 people): it has room for the first four stories, in the order the
    loader tells them (`demo/early_help.py`); `make demo`'s city has room for all of them."""
    episodes = EarlyHelpEpisode.objects.all()
    assert {e.source for e in episodes} == set(EpisodeSource)
    closed = {e.end_reason for e in episodes if e.closed_on}
    assert closed == {EndReason.NEEDS_MET, EndReason.CONSENT_WITHDRAWN}
    still_open = list(episodes.filter(closed_on__isnull=True))
    assert len(still_open) >= 2
    # Distance travelled: the family whose needs were met scored higher at its last review.
    met = episodes.get(end_reason=EndReason.NEEDS_MET)
    for goal in met.plan.goals.all():
        last = GoalScore.objects.filter(goal=goal).order_by("-review__reviewed_on").first()
        assert last is not None
        assert last.score > goal.baseline
    statuses = set(SupportRequest.objects.values_list("status", flat=True))
    assert statuses == {RequestStatus.SUBMITTED, RequestStatus.ACCEPTED, RequestStatus.DECLINED}
    # Every open family's clocks are on the early help practitioner's list.
    worker = User.objects.get(email="early.help@demo.safehub.test")
    open_tasks = Task.objects.filter(assigned_to=worker, status=TaskStatus.OPEN, key__startswith="eh.")
    for episode in still_open:
        assert open_tasks.filter(involvement__early_help_member__episode=episode).exists(), episode
    # The step-down went through the front door's services, so it is timed.
    step = Step.objects.get(direction=StepDirection.DOWN)
    assert step.completed_on is not None
    assert step.completed_on >= step.requested_on
    # The school's lead professional sees the families whose TAF they are on, and no other (R18).
    school = User.objects.get(email="school.lead@demo.safehub.test")
    theirs = set(episode_policy.scope(school, EarlyHelpEpisode.objects.all()).values_list("pk", flat=True))
    on_taf = set(
        episodes.filter(taf_members__user=school, taf_members__left_on__isnull=True).values_list(
            "pk", flat=True
        )
    )
    assert theirs == on_taf
    assert 0 < len(theirs) < episodes.count()


def test_learning_cycle_at_every_stage(loaded: str) -> None:
    """Issue 10: the partnership's learning cycle, built through the learning services, with the
    partner agencies' leads seeing only what concerns their agency (R18, R19)."""
    from safehub.accounts.constants import Capability
    from safehub.casework.constants import DocumentStatus
    from safehub.learning.constants import (
        ActionStatus,
        CaseAuditStatus,
        RapidReviewDecision,
        ReturnStatus,
        ReviewKind,
        ReviewStatus,
    )
    from safehub.learning.models import (
        AgencyReturn,
        AuditFinding,
        CaseAudit,
        CaseAuditor,
        LearningAction,
        Review,
        SeriousIncident,
        Theme,
    )
    from safehub.learning.policies import action_policy, agency_return_policy, case_audit_policy
    from safehub.learning.selectors.themes import themes_across_reviews

    today = clock.today()
    # Incidents: every one recorded by the team manager; one notified after its 5 working days.
    incidents = SeriousIncident.objects.all()
    assert incidents.count() == 4
    assert {i.recorded_by.email for i in incidents} == {"team.manager@demo.safehub.test"}
    late = [i for i in incidents if i.notified_on and i.notified_on > i.notify_due_on]
    assert len(late) == 1
    assert all(i.notified_on for i in incidents)
    # Reviews of every kind, the rapid reviews' three decisions, a local review due in 6 months.
    kinds: dict[str, int] = {}
    for kind in Review.objects.values_list("kind", flat=True):
        kinds[kind] = kinds.get(kind, 0) + 1
    assert kinds == {
        ReviewKind.RAPID: 4,
        ReviewKind.LOCAL: 2,
        ReviewKind.NATIONAL: 1,
        ReviewKind.SERIOUS_CASE: 1,
    }
    decisions = set(Review.objects.exclude(decision="").values_list("decision", flat=True))
    assert decisions == set(RapidReviewDecision.values)
    local = Review.objects.get(kind=ReviewKind.LOCAL, commissioned_from__isnull=False)
    assert local.status == ReviewStatus.IN_PROGRESS
    assert local.due_on is not None
    assert local.due_on > today
    assert local.members.filter(role="lead", user__isnull=True).exists()
    assert local.milestones.filter(done_on__isnull=False).exists()
    assert local.milestones.filter(done_on__isnull=True).exists()
    legacy = Review.objects.get(kind=ReviewKind.SERIOUS_CASE)
    assert legacy.status == ReviewStatus.PUBLISHED
    assert legacy.started_on.year == 2017
    running = Review.objects.get(kind=ReviewKind.RAPID, status=ReviewStatus.IN_PROGRESS)
    # Its returns: the police's received, the health trust's not yet due, the school's overdue
    # and chased once by the nightly sweep.
    returns = {r.agency.kind: r for r in AgencyReturn.objects.filter(review=running)}
    assert returns["police"].status == ReturnStatus.RECEIVED
    assert returns["health_trust"].status == ReturnStatus.REQUESTED
    assert returns["health_trust"].due_on >= today
    assert returns["school"].status == ReturnStatus.REQUESTED
    assert returns["school"].due_on < today
    assert returns["school"].chased_on == today
    # Actions: signed off on clean evidence, one waiting for sign-off, one overdue and escalated
    # (owned by health, rated red at its last update), and an audit finding's follow-up.
    actions = LearningAction.objects.all()
    signed = actions.filter(status=ActionStatus.SIGNED_OFF)
    assert signed.count() >= 3
    assert all(a.evidence.filter(status=DocumentStatus.CLEAN).exists() for a in signed)
    assert actions.filter(status=ActionStatus.COMPLETED).count() == 1
    overdue = actions.get(status=ActionStatus.OPEN, due_on__lt=today)
    assert overdue.agency.kind == "health_trust"
    assert overdue.escalated_on == today
    assert overdue.rag == "red"
    assert overdue.updates.count() == 3
    assert actions.filter(audit_finding__isnull=False).exists()
    # The themes recur: one is on at least three reviews, started in at least three years.
    recurring = [
        theme
        for theme in Theme.objects.all()
        if theme.reviews.count() >= 3 and len({r.started_on.year for r in theme.reviews.all()}) >= 3
    ]
    assert {t.name for t in recurring} >= {"Hidden and unseen adults", "Information sharing between agencies"}
    # ... and the themes view, over the years it shows, flags them as recurring.
    manager = User.objects.get(email="partnership.manager@demo.safehub.test")
    shown = {row.name: row for row in themes_across_reviews(actor=manager, today=today).recurring}
    assert {"Hidden and unseen adults", "Information sharing between agencies"} <= set(shown)
    assert len([n for n in shown["Hidden and unseen adults"].reviews if n]) >= 3
    # The neglect audit: a case at every stage, auditors from three agencies, findings with themes.
    statuses = set(CaseAudit.objects.values_list("status", flat=True))
    assert statuses == set(CaseAuditStatus.values)
    ready = CaseAudit.objects.filter(status=CaseAuditStatus.READY).first()
    assert ready is not None
    assert not ready.auditors.filter(submitted_on__isnull=True).exists()
    agencies = set(CaseAuditor.objects.values_list("agency__kind", flat=True))
    assert agencies == {"childrens_services", "police", "health_trust"}
    assert AuditFinding.objects.filter(themes__isnull=False).exists()
    # The partners' leads: their role, and only their own agency's returns and actions.
    police = User.objects.get(email="police.lead@demo.safehub.test")
    nurse = User.objects.get(email="designated.nurse@demo.safehub.test")
    for lead, kind in ((police, "police"), (nurse, "health_trust")):
        assert lead.role == Role.LEARNING_PARTNER
        assert lead.agency is not None
        assert lead.agency.kind == kind
        assert lead.has_capability(Capability.CONTRIBUTE_LEARNING)
        assert not lead.has_capability(Capability.VIEW_LEARNING)
        theirs = agency_return_policy.scope(lead, AgencyReturn.objects.all())
        assert theirs.exists()
        assert set(theirs.values_list("agency__kind", flat=True)) == {kind}
        assert set(action_policy.scope(lead, actions).values_list("agency__kind", flat=True)) == {kind}
        assert case_audit_policy.scope(lead, CaseAudit.objects.all()).count() == CaseAudit.objects.count()
    assert overdue in action_policy.scope(nurse, actions)
    assert overdue not in action_policy.scope(police, actions)


def test_the_indicators_have_a_population_for_their_rates(loaded: str) -> None:
    """Issue 8: six collection years of population, so the demo's rates per 10,000 are figures
    from the first start, and the CIN rate is the children in need over that population."""
    from safehub.platform import clock
    from safehub.reporting.indicators.base import Period, figure, get
    from safehub.reporting.models import PopulationEstimate

    today = clock.today()
    latest = today.year if (today.month, today.day) >= (4, 1) else today.year - 1
    years = list(PopulationEstimate.objects.values_list("year", flat=True))
    assert years == list(range(latest - 4, latest + 2))
    population = PopulationEstimate.objects.get(year=latest).children
    children_in_need = figure(get("cin_at_31_march"), Period(latest), population)
    rate = figure(get("cin_per_10000"), Period(latest), population)
    assert children_in_need.numerator, "the demo city has children in need at 31 March"
    assert rate.value is not None
    assert abs(float(rate.value) - children_in_need.numerator * 10_000 / population) < 0.06
