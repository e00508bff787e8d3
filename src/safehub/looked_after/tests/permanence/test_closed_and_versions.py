"""An ended period takes no more missing or permanence records; every write under a period bumps its
version (R49); the 903 codes show with their meanings (issue 6, items 4-6)."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db.models import F
from django.urls import reverse
from django.utils.html import escape

from safehub.accounts.constants import Role
from safehub.looked_after.models import LookedAfterPeriod, PermanenceOrder
from safehub.looked_after.services.missing import missing_record, missing_update, uasc_record
from safehub.looked_after.services.permanence import (
    adoption_decision_cease,
    adoption_decision_record,
    adoption_match_record,
    permanence_order_record,
    previous_permanence_record,
    sibling_decision_record,
)

from .cases import adopters, ago, day, manager, period, person, siblings, worker

pytestmark = pytest.mark.django_db

ENDED = "stopped being looked after"


def url(name: str, obj: Any) -> str:
    return reverse(f"looked_after:{name}", args=[obj.pk])


def end(p: Any, days_ago: int = 1) -> None:
    """End the period as the period service would: a new version, so open forms are stale."""
    LookedAfterPeriod.objects.filter(pk=p.pk).update(
        ended_on=ago(days_ago), end_reason="E4A", version=F("version") + 1
    )


def _decision(p: Any) -> Any:
    return adoption_decision_record(actor=manager(), period=p, decided_on=ago(30))


def _sister(p: Any) -> Any:
    sister = person()
    siblings(p.person, sister)
    return sister


# Each write under a period, given a period prepared while it was open (see `prepare`).
WRITES: dict[str, Callable[[Any, Any], Any]] = {
    "missing_record": lambda p, _: missing_record(actor=worker(), period=p, kind="M", started_on=ago(5)),
    "missing_update": lambda p, ep: missing_update(
        actor=worker(),
        episode=ep,
        ended_on=ago(4),
        interview_offered_on=None,
        interview_accepted=None,
        interview_held_on=None,
        notes="",
        expected_version=ep.version,
    ),
    "adoption_decision_record": lambda p, _: adoption_decision_record(
        actor=manager(), period=p, decided_on=ago(5)
    ),
    "adoption_match_record": lambda p, d: adoption_match_record(
        actor=manager(),
        decision=d,
        matched_on=ago(5),
        household=adopters(),
        adopter_count=2,
        adopter_sex="MF",
        adopter_legal_status="L11",
        fostered_by_adopters=False,
        expected_version=d.version,
    ),
    "adoption_decision_cease": lambda p, d: adoption_decision_cease(
        actor=manager(), decision=d, ceased_on=ago(5), reason="RD1", expected_version=d.version
    ),
    "permanence_order_record": lambda p, _: permanence_order_record(
        actor=manager(), period=p, kind="sgo", made_on=ago(5)
    ),
    "previous_permanence_record": lambda p, _: previous_permanence_record(
        actor=manager(), period=p, previous_permanence="Z1", la="", on=None, expected_version=p.version
    ),
    "sibling_decision_record": lambda p, sister: sibling_decision_record(
        actor=manager(), period=p, decided_on=ago(5), decision="together", siblings=[sister], reason="S"
    ),
}


def prepare(name: str, p: Any) -> Any:
    """What the write needs, recorded while the period is open."""
    if name == "missing_update":
        return missing_record(actor=worker(), period=p, kind="M", started_on=ago(6))
    if name in ("adoption_match_record", "adoption_decision_cease"):
        return _decision(p)
    if name == "sibling_decision_record":
        return _sister(p)
    return None


@pytest.mark.parametrize("name", sorted(WRITES))
def test_a_write_under_an_ended_period_is_refused_with_the_reason(name: str) -> None:
    p = period()
    thing = prepare(name, p)
    end(p)
    p.refresh_from_db()
    if thing is not None and hasattr(thing, "period"):
        thing.refresh_from_db()
    with pytest.raises(ValidationError) as excinfo:
        WRITES[name](p, thing)
    assert ENDED in " ".join(excinfo.value.message_dict["__all__"])


@pytest.mark.parametrize("name", ["missing_record", "permanence_order_record", "sibling_decision_record"])
def test_a_stale_instance_cannot_hide_an_ending(name: str) -> None:
    """The service re-reads the period in its transaction: a caller's stale copy, still open, is not
    believed."""
    p = period()
    thing = prepare(name, p)
    end(p)  # `p` still says open
    with pytest.raises(ValidationError) as excinfo:
        WRITES[name](p, thing)
    assert ENDED in " ".join(excinfo.value.message_dict["__all__"])


@pytest.mark.parametrize("name", sorted(WRITES))
def test_every_write_under_a_period_bumps_its_version(name: str) -> None:
    """R49: a form opened before any of these writes is stale afterwards."""
    p = period()
    thing = prepare(name, p)
    before = LookedAfterPeriod.objects.get(pk=p.pk).version
    if thing is not None and hasattr(thing, "version"):
        thing.refresh_from_db()
    p.refresh_from_db()
    WRITES[name](p, thing)
    assert LookedAfterPeriod.objects.get(pk=p.pk).version == before + 1


def test_a_stale_period_version_conflicts() -> None:
    """R49: a row added from a form opened before someone else changed the period is refused."""
    from safehub.platform.errors import ConflictError

    p = period()
    opened = p.version
    _decision(p)
    with pytest.raises(ConflictError):
        permanence_order_record(
            actor=manager(), period=p, kind="sgo", made_on=ago(5), expected_version=opened
        )
    assert not PermanenceOrder.objects.filter(period=p).exists()


def test_the_order_page_says_who_changed_the_period(signed_in: Any) -> None:
    """R49: the stale form keeps what was typed, names the change and takes the new version."""
    client, p = signed_in(Role.TEAM_MANAGER), period()
    opened = p.version
    html = client.get(url("order_new", p)).content.decode()
    assert f'name="version" value="{opened}"' in html
    boss = manager()
    adoption_decision_record(actor=boss, period=p, decided_on=ago(30))
    data = {"kind": "sgo", **day("made_on", ago(2)), "version": opened}
    response = client.post(url("order_new", p), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html
    assert escape(f"This period of care was changed by {boss}") in html
    current = LookedAfterPeriod.objects.get(pk=p.pk).version
    assert f'name="version" value="{current}"' in html
    assert not PermanenceOrder.objects.filter(period=p).exists()
    assert client.post(url("order_new", p), {**data, "version": current}).status_code == 302


def test_an_ended_period_shows_no_links_to_add_or_change(signed_in: Any) -> None:
    client, p = signed_in(Role.TEAM_MANAGER), period()
    episode = missing_record(actor=worker(), period=p, kind="M", started_on=ago(6), ended_on=ago(5))
    decision = _decision(p)
    _sister(p)
    end(p)
    html = client.get(url("period", p)).content.decode()
    for link in (
        url("missing_new", p),
        url("missing_edit", episode),
        url("adoption_decision_new", p),
        url("adoption_match", decision),
        url("adoption_cease", decision),
        url("order_new", p),
        url("previous_permanence", p),
        url("sibling_decision_new", p),
    ):
        assert link not in html
    # UASC status is the child's: it is still recorded on the child's latest period, ended or not.
    assert url("uasc", p) in html


def test_uasc_is_recorded_on_the_latest_period_even_once_ended(signed_in: Any) -> None:
    """Leave to remain often comes after the young person has left care; the date still matters."""
    client = signed_in(Role.SOCIAL_WORKER)
    earlier = period(started_days_ago=400)
    end(earlier, days_ago=300)
    latest = period(started_days_ago=200, person=earlier.person)
    end(latest, days_ago=10)
    status = uasc_record(actor=worker(), person=latest.person, started_on=ago(390))
    assert status.person == latest.person
    assert url("uasc", latest) in client.get(url("period", latest)).content.decode()
    assert url("uasc", earlier) not in client.get(url("period", earlier)).content.decode()


def test_codes_show_with_their_meanings(signed_in: Any) -> None:
    """The 903 lists carry bare codes: pages say "MF: A man and a woman", never "MF: MF"."""
    client, p = signed_in(Role.TEAM_MANAGER), period()
    missing_record(actor=worker(), period=p, kind="A", started_on=ago(6), ended_on=ago(5))
    decision = _decision(p)
    WRITES["adoption_match_record"](p, decision)
    decision.refresh_from_db()
    WRITES["adoption_decision_cease"](p, decision)
    p.refresh_from_db()
    previous_permanence_record(
        actor=manager(), period=p, previous_permanence="P2", la="301", on=ago(500), expected_version=p.version
    )
    html = client.get(url("period", p)).content.decode()
    for shown in (
        "A: Away from placement without authorisation: whereabouts known",
        "MF: A man and a woman",
        "L11: Married couple of different sexes",
        "RD1: The child's needs changed",
        "P2: Special guardianship order",
    ):
        assert escape(shown) in html
    for bare in ("MF: MF", "L11: L11", "RD1: RD1", "P2: P2"):
        assert bare not in html
    form = client.get(url("previous_permanence", p)).content.decode()
    assert escape("Z1: None") in form
    assert escape("P3: Residence order or child arrangements order") in form
    match = client.get(url("adoption_match", decision)).content.decode()
    assert escape("FF: Two women") in match
    assert escape("L0: Single adopter") in match
