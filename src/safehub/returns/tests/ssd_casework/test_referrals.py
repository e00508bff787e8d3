"""ssd_cin_episodes and ssd_involvements: load, refuse, reload, round trip."""

from __future__ import annotations

from datetime import date

from safehub.casework.models import Allocation, Involvement, Task
from safehub.child_protection.models import Referral
from safehub.returns.ssd.casework_referrals import CinEpisodesTable, InvolvementsTable

from .conftest import Env, assert_round_trip, problems_by_field

EPISODES = CinEpisodesTable()
INVOLVEMENTS = InvolvementsTable()


def episode(rid: str, pid: str, **fields: str) -> dict[str, str]:
    row = {
        "cine_referral_id": rid,
        "cine_person_id": pid,
        "cine_referral_date": "2023-04-03",
        "cine_cin_primary_need_code": "N1",
        "cine_referral_source_code": "2A",
        "cine_referral_nfa": "N",
        "cine_referral_team": "D1",
        "cine_referral_worker_id": "W1",
    }
    row.update(fields)
    return row


def test_episodes_load_into_referrals_with_their_involvement(env: Env) -> None:
    child = env.child("C1")
    team, worker = env.team("D1"), env.worker("W1")
    env.child("C2")
    rows = [
        episode("R1", "C1", cine_close_date="2023-09-01", cine_close_reason="RC7"),
        episode("R2", "C1", cine_referral_date="2024-01-10"),
        episode("R3", "C2", cine_referral_nfa="Y", cine_close_date="2023-04-05", cine_close_reason="RC7"),
    ]
    assert env.load(EPISODES, rows) == []
    closed, open_ = Referral.objects.filter(person=child).order_by("referral_date")
    assert (closed.closed_on, closed.closure_reason, closed.source) == (date(2023, 9, 1), "RC7", "2A")
    assert closed.involvement.closed_on == date(2023, 9, 1)
    assert (open_.involvement.team, open_.involvement.worker) == (team, worker)
    assert open_.history.count() == 1  # simple-history rows written with the bulk insert
    # The open referral has its clocks (the assessment is due), as a typed referral would.
    assert Task.objects.filter(involvement=open_.involvement).exists()
    assert not Task.objects.filter(involvement=closed.involvement).exists()
    assert Referral.objects.get(person__return_id__child_id="C2").nfa is True
    assert_round_trip(env, EPISODES, rows)


def test_bad_episodes_are_refused_by_field_and_the_rest_load(env: Env) -> None:
    env.child("C1")
    env.child("C2")
    env.team("D1"), env.worker("W1")
    rows = [
        episode("BAD-DATE", "C1", cine_referral_date="2023-13-40"),
        episode("BAD-CODE", "C1", cine_referral_source_code="99"),
        episode("BAD-ORDER", "C1", cine_close_date="2023-01-01", cine_close_reason="RC7"),
        episode("NO-REASON", "C1", cine_close_date="2023-05-01"),
        episode("ORPHAN", "NOBODY"),
        episode("BEFORE-BIRTH", "C1", cine_referral_date="2014-01-01"),
        episode("GOOD", "C2"),
        episode("SECOND-OPEN", "C2", cine_referral_date="2023-06-01"),
    ]
    found = problems_by_field(env.load(EPISODES, rows))
    assert "not a date" in found[("BAD-DATE", "cine_referral_date")]
    assert "'99' is not a referral source" in found[("BAD-CODE", "cine_referral_source_code")]
    assert "cannot close before the referral" in found[("BAD-ORDER", "cine_close_date")]
    assert "reason for closure" in found[("NO-REASON", "cine_close_reason")]
    assert "not a person in the extract" in found[("ORPHAN", "cine_person_id")]
    assert "date of birth" in found[("BEFORE-BIRTH", "cine_referral_date")]
    assert "already has an open referral" in found[("SECOND-OPEN", "cine_referral_date")]
    assert ("GOOD", "cine_referral_date") not in found
    assert Referral.objects.count() == 1


def test_second_load_updates_rather_than_duplicates(env: Env) -> None:
    env.child("C1")
    env.team("D1"), env.worker("W1")
    rows = [episode("R1", "C1")]
    assert env.load(EPISODES, rows) == []
    assert env.load(EPISODES, rows) == []  # unchanged: skipped
    changed = [
        episode(
            "R1", "C1", cine_close_date="2023-06-30", cine_close_reason="RC5", cine_cin_primary_need_code="N4"
        )
    ]
    assert env.load(EPISODES, changed) == []
    referral = Referral.objects.get()
    assert (referral.closed_on, referral.closure_reason, referral.primary_need) == (
        date(2023, 6, 30),
        "RC5",
        "N4",
    )
    assert referral.involvement.closed_on == date(2023, 6, 30)
    assert Involvement.objects.count() == 1
    assert_round_trip(env, EPISODES, changed)


def involvement(iid: str, **fields: str) -> dict[str, str]:
    row = {
        "invo_involvements_id": iid,
        "invo_professional_id": "W1",
        "invo_professional_team": "D1",
        "invo_involvement_start_date": "2023-04-03",
        "invo_person_id": "C1",
        "invo_referral_id": "R1",
    }
    row.update(fields)
    return row


def test_involvements_load_as_allocation_history(env: Env) -> None:
    env.child("C1")
    env.team("D1")
    env.worker("W1")
    team2, worker2 = env.team("D2"), env.worker("W2")
    assert env.load(EPISODES, [episode("R1", "C1")]) == []
    rows = [
        involvement("I1", invo_involvement_end_date="2023-08-01"),
        involvement(
            "I2",
            invo_professional_id="W2",
            invo_professional_team="D2",
            invo_involvement_start_date="2023-08-01",
            invo_worker_change_reason="LEFTRL",
        ),
    ]
    assert env.load(INVOLVEMENTS, rows) == []
    current = Allocation.objects.get(ended_on__isnull=True)
    assert (current.worker, current.team, current.change_reason) == (worker2, team2, "LEFTRL")
    inv = Involvement.objects.get()
    assert (inv.team, inv.worker) == (team2, worker2)
    assert_round_trip(env, INVOLVEMENTS, rows)
    # Reloading a changed row updates it.
    rows[1]["invo_worker_change_reason"] = "ORGRST"
    assert env.load(INVOLVEMENTS, rows) == []
    assert Allocation.objects.count() == 2
    assert Allocation.objects.get(ended_on__isnull=True).change_reason == "ORGRST"


def test_bad_involvements_are_refused(env: Env) -> None:
    env.child("C1")
    env.team("D1")
    env.worker("W1")
    assert env.load(EPISODES, [episode("R1", "C1")]) == []
    rows = [
        involvement("I1"),
        involvement("OVERLAP", invo_involvement_start_date="2023-05-01"),
        involvement(
            "ORDER", invo_involvement_start_date="2023-06-01", invo_involvement_end_date="2023-05-01"
        ),
        involvement("CODE", invo_worker_change_reason="BORED"),
        involvement("NO-TEAM", invo_professional_team=""),
        involvement("EARLY", invo_referral_id="", invo_involvement_start_date="2020-01-01"),
    ]
    found = problems_by_field(env.load(INVOLVEMENTS, rows))
    assert "one allocation at a time" in found[("OVERLAP", "invo_involvement_start_date")]
    assert "cannot be before the allocation start" in found[("ORDER", "invo_involvement_end_date")]
    assert "SW_REASON" in found[("CODE", "invo_worker_change_reason")]
    assert "required" in found[("NO-TEAM", "invo_professional_team")]
    assert "No case of the child is open" in found[("EARLY", "invo_involvement_start_date")]
    assert Allocation.objects.count() == 1
