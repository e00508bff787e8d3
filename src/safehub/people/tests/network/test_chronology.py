"""The chronology registry and page: sources, sensitivity, failures, filter, pages (issue 3 item 2)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from safehub.accounts.constants import Role
from safehub.audit.models import AuditEvent
from safehub.people.chronology import (
    ChronologyEntry,
    EntryKind,
    chronology_for,
    register_chronology_source,
    unregister_chronology_source,
)
from safehub.people.constants import IdentifierKind, RiskFlagKind, Sensitivity
from safehub.people.services import (
    person_address_add,
    person_identifier_add,
    person_identifier_remove,
    risk_flag_add,
    risk_flag_end,
)
from safehub.people.tests.factories import restrict
from safehub.platform import clock

pytestmark = pytest.mark.django_db


@pytest.fixture
def extra_source():
    added = []

    def _add(name, fn):
        register_chronology_source(name, fn)
        added.append(name)

    yield _add
    for name in added:
        unregister_chronology_source(name)


def titles(chronology):
    return [e.title for e in chronology.entries]


def test_people_sources_cover_names_addresses_households_relationships_flags_identifiers(
    make_user, family, editor, police
):
    kid = family["kid"]
    person_address_add(
        actor=editor, person=kid, line_1="1 Test Row", postcode="SW1A 1AA", valid_from=date(2016, 1, 1)
    )
    agency_id = person_identifier_add(
        actor=editor, person=kid, kind=IdentifierKind.AGENCY_ID, value="K-1", issuing_agency=police
    )
    person_identifier_remove(actor=editor, identifier=agency_id, reason="Recorded on the wrong child")
    today = clock.today()
    flag = risk_flag_add(
        actor=editor,
        person=kid,
        kind=RiskFlagKind.MISSING,
        source_agency=police,
        starts_on=today - timedelta(days=10),
        review_on=today + timedelta(days=10),
    )
    risk_flag_end(actor=editor, flag=flag)

    chronology = chronology_for(actor=make_user(Role.SOCIAL_WORKER), person=kid)
    kinds = {k for k, _ in chronology.kinds}
    assert kinds == {"name", "address", "household", "relationship", "risk_flag", "identifier"}
    found = titles(chronology)
    for expected in (
        "Known as Kid Testfamily",
        "Address recorded (home)",
        "Joined a household",
        "Relationship: Child of Mum Testfamily",
        "Risk flag added: Missing",
        "Risk flag ended: Missing",
        "Agency's own identifier added",
        "Agency's own identifier removed",
    ):
        assert expected in found
    assert not chronology.failures


def test_entries_are_newest_first(make_user, family, extra_source):
    extra_source(
        "test.events",
        lambda person, actor: [
            ChronologyEntry(date(2001, 1, 1), "visit", "Old"),
            ChronologyEntry(date(2030, 1, 1), "visit", "Future"),
        ],
    )
    chronology = chronology_for(actor=make_user(), person=family["kid"])
    dates = [e.date for e in chronology.entries]
    assert dates == sorted(dates, reverse=True)
    assert chronology.entries[0].title == "Future"
    assert chronology.entries[-1].title == "Old"


def test_a_relationship_to_a_restricted_person_is_left_out(make_user, family):
    """R22: the chronology reads relationships through the same selector as the person page."""
    restrict(family["mum"])
    found = titles(chronology_for(actor=make_user(), person=family["kid"]))
    assert not [t for t in found if "Mum" in t]


def test_sensitive_flags_only_for_those_who_may_see_them(make_user, family, editor, police):
    today = clock.today()
    risk_flag_add(
        actor=editor,
        person=family["dad"],
        kind=RiskFlagKind.MAPPA_NOMINAL,
        source_agency=police,
        starts_on=today,
        review_on=today + timedelta(days=30),
        sensitivity=Sensitivity.SENSITIVE,
    )
    assert "Risk flag added: MAPPA nominal" not in titles(
        chronology_for(actor=make_user(), person=family["dad"])
    )
    manager = make_user(Role.MASH_MANAGER)
    assert "Risk flag added: MAPPA nominal" in titles(chronology_for(actor=manager, person=family["dad"]))


def test_a_sensitive_entry_from_any_source_is_held_back(make_user, family, extra_source):
    extra_source(
        "test.secret",
        lambda person, actor: [
            ChronologyEntry(date(2020, 1, 1), "intel", "Secret", sensitivity=Sensitivity.SENSITIVE)
        ],
    )
    assert "Secret" not in titles(chronology_for(actor=make_user(Role.SOCIAL_WORKER), person=family["kid"]))
    assert "Secret" in titles(chronology_for(actor=make_user(Role.MASH_SOCIAL_WORKER), person=family["kid"]))


def test_a_failing_source_is_reported_not_swallowed(make_user, family, extra_source, caplog):
    def broken(person, actor):
        raise RuntimeError("casework is down")

    extra_source("casework.visits", broken)
    chronology = chronology_for(actor=make_user(), person=family["kid"])
    assert [f.source for f in chronology.failures] == ["casework.visits"]
    assert chronology.entries  # the other sources still show
    assert any(r.message == "chronology_source_failed" for r in caplog.records)


def test_the_page_shows_a_failed_source_as_an_error(signed_in, family, extra_source):
    extra_source("casework.visits", lambda person, actor: 1 / 0)
    html = signed_in().get(reverse("people:chronology", args=[family["kid"].pk])).content.decode()
    assert "This chronology is incomplete" in html
    assert "Events from casework.visits could not be loaded" in html


def test_the_page_filters_by_kind_and_pages(signed_in, family, extra_source):
    extra_source(
        "test.many",
        lambda person, actor: [
            ChronologyEntry(date(2020, 1, 1) + timedelta(days=i), "visit", f"Visit {i}") for i in range(30)
        ],
    )
    client = signed_in()
    url = reverse("people:chronology", args=[family["kid"].pk])
    html = client.get(url, {"kind": "visit"}).content.decode()
    assert html.count('data-kind="visit"') == 25
    assert 'data-kind="name"' not in html
    assert "Page 1 of 2" in html
    html = client.get(url, {"kind": "visit", "page": 2}).content.decode()
    assert html.count('data-kind="visit"') == 5
    everything = client.get(url, {"kind": "nonsense"}).content.decode()
    assert 'data-kind="name"' in everything


def test_the_page_is_404_for_a_restricted_person_and_audited_otherwise(signed_in, family):
    client = signed_in()
    assert client.get(reverse("people:chronology", args=[family["kid"].pk])).status_code == 200
    assert AuditEvent.objects.filter(section="chronology", object_id=str(family["kid"].pk)).exists()
    restrict(family["sis"])
    assert client.get(reverse("people:chronology", args=[family["sis"].pk])).status_code == 404


def test_entry_kind_names_are_stable():
    assert EntryKind.RISK_FLAG == "risk_flag"


def test_a_merge_is_shown_and_the_other_record_named_only_if_visible(make_user, family, editor):
    from safehub.people.models import PersonMerge
    from safehub.people.models.duplicates import MergeStatus

    now = clock.now()
    PersonMerge.objects.create(
        survivor=family["kid"],
        absorbed=family["half"],
        status=MergeStatus.COMPLETED,
        reason="Same child recorded twice by two schools",
        decided_by=editor,
        decided_at=now,
        merged_at=now,
    )
    viewer = make_user()
    assert "Merged with Half Testfamily" in titles(chronology_for(actor=viewer, person=family["kid"]))
    restrict(family["half"])
    found = titles(chronology_for(actor=viewer, person=family["kid"]))
    assert "Merged with another record" in found
    assert not [t for t in found if "Half" in t]


def test_staff_of_the_raising_agency_see_its_sensitive_flag_as_on_the_person_page(make_user, family, editor):
    """The person page's rule (people.record): the raising agency's staff see its sensitive flag."""
    worker = make_user(Role.SOCIAL_WORKER)
    today = clock.today()
    risk_flag_add(
        actor=editor,
        person=family["dad"],
        kind=RiskFlagKind.DOMESTIC_ABUSE_PERPETRATOR,
        source_agency=worker.agency,
        starts_on=today,
        review_on=today + timedelta(days=30),
        sensitivity=Sensitivity.SENSITIVE,
    )
    found = titles(chronology_for(actor=worker, person=family["dad"]))
    assert "Risk flag added: Domestic abuse perpetrator" in found
