"""The DfE API payload per child, the cohort, and snapshot/delta with purge (issue 7, item 6)."""

from datetime import date, timedelta

import pytest
from django.test import override_settings

from safehub.child_protection.tests.factories import ReferralFactory
from safehub.people.tests.factories import PersonFactory
from safehub.returns.constants import FeedMode
from safehub.returns.dfe_api.feed import build_feed, payload_hash
from safehub.returns.dfe_api.payload import child_payload, cohort, window_start
from safehub.returns.models import ChildReturnId, FeedState
from safehub.returns.tests.dfe_api.helpers import TODAY, child_with_history

pytestmark = pytest.mark.django_db


def _keep(records: list) -> None:
    """What a fully accepted feed leaves behind."""
    for r in records:
        FeedState.objects.update_or_create(
            person_id=r.person_id,
            defaults={
                "child_id": r.child_id,
                "payload": r.state,
                "payload_hash": payload_hash(r.state),
                "sent_at": "2026-06-30T00:00:00Z",
            },
        )


@override_settings(SAFEHUB_LA_CODE="E06000045")
def test_payload_has_the_dfe_shape_for_a_child_with_a_referral_a_plan_and_care() -> None:
    child = child_with_history()
    payload = child_payload(child.person, child_id="SH00000001")

    assert set(payload) == {"la_code", "Children"}
    assert payload["la_code"] == "E06000045"
    children = payload["Children"]
    assert set(children) == {
        "la_child_id",
        "mis_child_id",
        "purge",
        "child_details",
        "health_and_wellbeing",
        "social_care_episodes",
    }
    assert children["la_child_id"] == "SH00000001"
    assert children["mis_child_id"] == str(child.person.pk)
    details = children["child_details"]
    assert set(details) == {
        "unique_pupil_number",
        "former_unique_pupil_number",
        "unique_pupil_number_unknown_reason",
        "first_name",
        "surname",
        "date_of_birth",
        "expected_date_of_birth",
        "sex",
        "ethnicity",
        "disabilities",
        "postcode",
        "uasc_flag",
        "uasc_end_date",
        "purge",
    }
    assert details["sex"] == "F"
    assert details["date_of_birth"] == child.person.date_of_birth.isoformat()
    assert children["health_and_wellbeing"] == {"sdq_assessments": [], "purge": False}

    [episode] = children["social_care_episodes"]
    assert episode["social_care_episode_id"] == str(child.referral.pk)
    assert episode["referral_date"] == "2026-01-05"
    assert episode["referral_source"] == "6"
    assert episode["referral_no_further_action_flag"] is False
    assert episode["child_and_family_assessments"] == [
        {
            "child_and_family_assessment_id": str(child.assessment.pk),
            "start_date": "2026-01-05",
            "authorisation_date": "2026-01-17",
            "factors": ["3A", "16A"],
            "purge": False,
        }
    ]
    assert episode["child_protection_plans"] == [
        {
            "child_protection_plan_id": str(child.plan.pk),
            "start_date": "2026-02-04",
            "end_date": None,
            "purge": False,
        }
    ]
    [placement] = episode["child_looked_after_placements"]
    assert placement["start_date"] == "2026-03-06"
    assert placement["start_reason"] == "S"
    assert placement["placement_type"] == "U4"
    assert placement["postcode"] == "AB1 2CD"
    assert placement["end_date"] is None
    assert placement["purge"] is False


def test_the_cohort_is_young_people_with_activity_in_the_window() -> None:
    assert window_start(date(2026, 6, 30)) == date(2024, 4, 1)
    assert window_start(date(2026, 2, 10)) == date(2023, 4, 1)
    active = ReferralFactory(referral_date=date(2025, 5, 1))
    closed_before = ReferralFactory(
        referral_date=date(2023, 1, 1), closed_on=date(2024, 3, 1), closure_reason="RC7"
    )
    too_old = ReferralFactory(
        person=PersonFactory(date_of_birth=date(1997, 1, 1)), referral_date=date(2025, 5, 1)
    )
    no_activity = PersonFactory()
    people = {p.pk for p in cohort(TODAY)}
    assert active.person.pk in people
    assert closed_before.person.pk not in people
    assert too_old.person.pk not in people
    assert no_activity.pk not in people


def test_snapshot_sends_everyone_and_an_unchanged_delta_sends_nothing() -> None:
    first, second = child_with_history(), child_with_history()
    snapshot = build_feed(FeedMode.SNAPSHOT, today=TODAY)
    assert {r.person_id for r in snapshot} == {first.person.pk, second.person.pk}
    assert all(r.record == r.state for r in snapshot)
    _keep(snapshot)
    assert build_feed(FeedMode.DELTA, today=TODAY) == []
    assert {r.child_id for r in snapshot} == set(ChildReturnId.objects.values_list("child_id", flat=True))


def test_delta_after_a_change_carries_only_the_changed_block() -> None:
    changed, unchanged = child_with_history(), child_with_history()
    _keep(build_feed(FeedMode.SNAPSHOT, today=TODAY))
    changed.plan.latest_category = "EMO"  # not in the payload: no change to send
    changed.plan.save()
    assert build_feed(FeedMode.DELTA, today=TODAY) == []

    changed.plan.ended_on, changed.plan.end_reason = TODAY - timedelta(days=1), "review"
    changed.plan.save()
    [record] = build_feed(FeedMode.DELTA, today=TODAY)
    assert record.person_id == changed.person.pk != unchanged.person.pk
    children = record.record["Children"]
    assert set(children) == {"la_child_id", "mis_child_id", "purge", "child_details", "social_care_episodes"}
    [episode] = children["social_care_episodes"]
    assert set(episode) == {
        "social_care_episode_id",
        "referral_date",
        "referral_source",
        "referral_no_further_action_flag",
        "closure_date",
        "closure_reason",
        "child_protection_plans",
        "purge",
    }
    assert episode["child_protection_plans"] == [
        {
            "child_protection_plan_id": str(changed.plan.pk),
            "start_date": "2026-02-04",
            "end_date": "2026-06-29",
            "purge": False,
        }
    ]


def test_a_removed_plan_is_purged() -> None:
    child = child_with_history()
    _keep(build_feed(FeedMode.SNAPSHOT, today=TODAY))
    plan_id = str(child.plan.pk)
    child.plan.delete()
    [record] = build_feed(FeedMode.DELTA, today=TODAY)
    [episode] = record.record["Children"]["social_care_episodes"]
    assert episode["child_protection_plans"] == [{"child_protection_plan_id": plan_id, "purge": True}]
    assert "child_and_family_assessments" not in episode


def test_a_removed_assessment_purges_its_episode_and_the_next_delta_resends_it_whole() -> None:
    # The DfE allows no purge on assessments: the episode goes, then comes back without it.
    child = child_with_history()
    _keep(build_feed(FeedMode.SNAPSHOT, today=TODAY))
    child.assessment.delete()
    [record] = build_feed(FeedMode.DELTA, today=TODAY)
    assert record.record["Children"]["social_care_episodes"] == [
        {"social_care_episode_id": str(child.referral.pk), "purge": True}
    ]
    _keep([record])
    [again] = build_feed(FeedMode.DELTA, today=TODAY)
    [episode] = again.record["Children"]["social_care_episodes"]
    assert episode["social_care_episode_id"] == str(child.referral.pk)
    assert episode["child_and_family_assessments"] == []
    assert episode["purge"] is False
    assert len(episode["child_protection_plans"]) == 1
    _keep([again])
    assert build_feed(FeedMode.DELTA, today=TODAY) == []


def test_a_merged_child_is_purged_whole() -> None:
    child, survivor = child_with_history(), PersonFactory()
    _keep(build_feed(FeedMode.SNAPSHOT, today=TODAY))
    child.person.merged_into = survivor
    child.person.save()
    records = build_feed(FeedMode.DELTA, today=TODAY)
    [purge] = [r for r in records if r.person_id == child.person.pk]
    assert purge.record["Children"] == {
        "la_child_id": ChildReturnId.objects.get(person=child.person).child_id,
        "mis_child_id": str(child.person.pk),
        "purge": True,
    }
    assert purge.state is None


def test_disabilities_are_sent_as_the_census_sends_them() -> None:
    """Current codes, sorted, NONE only alone; a withdrawn code is not sent; none recorded is []."""
    from safehub.people.constants import DisabilityCode
    from safehub.people.models import PersonDisability

    child = child_with_history()
    details = child_payload(child.person, child_id="SH00000001")["Children"]["child_details"]
    assert details["disabilities"] == []
    for code in (DisabilityCode.VIS, DisabilityCode.AUT, DisabilityCode.HEAR):
        PersonDisability.objects.create(person=child.person, code=code)
    PersonDisability.objects.filter(code=DisabilityCode.HEAR).update(removed_at="2026-06-01T00:00:00Z")
    details = child_payload(child.person, child_id="SH00000001")["Children"]["child_details"]
    assert details["disabilities"] == ["AUT", "VIS"]
