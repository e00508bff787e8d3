"""Merging and unmerging two records of one person (issue 3 item 4, T16, R22, R26, R49, R50)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from safehub.access.constants import GrantStatus, Level
from safehub.access.models import AccessGrant, RestrictedRecord
from safehub.accounts.constants import Role
from safehub.audit.models import AuditEvent
from safehub.people.constants import IdentifierKind, NameKind, RelationshipKind, RiskFlagKind
from safehub.people.models import (
    Person,
    PersonIdentifier,
    PersonMatchKey,
    PersonMerge,
    PersonMergeChange,
    PersonName,
    Relationship,
)
from safehub.people.models.duplicates import MergeChangeAction, MergeStatus
from safehub.people.policies import person_policy
from safehub.people.selectors import PersonSearch, person_search
from safehub.people.services import (
    person_address_add,
    person_identifier_add,
    person_merge,
    person_merge_approve,
    person_unmerge,
    relationship_add,
    risk_flag_add,
)
from safehub.people.tests.factories import restrict
from safehub.platform import clock
from safehub.platform.errors import ConflictError, NotFoundOrForbidden, PermissionRefused

pytestmark = pytest.mark.django_db

REASON = "Same NHS number and date of birth; the school confirmed one child."


@pytest.fixture
def pair(new_person):
    survivor = new_person(given_name="Amara", family_name="Testwood", date_of_birth=date(2015, 3, 14))
    absorbed = new_person(given_name="Amarah", family_name="Testwood", date_of_birth=date(2015, 3, 14))
    return survivor, absorbed


def test_merge_moves_every_link_and_hides_the_absorbed_record(manager, police, pair, new_person) -> None:
    survivor, absorbed = pair
    mother = new_person(given_name="Bea", family_name="Testwood", date_of_birth=date(1990, 1, 2))
    relationship_add(actor=manager, person_a=mother, person_b=absorbed, kind=RelationshipKind.PARENT)
    person_identifier_add(
        actor=manager, person=absorbed, kind=IdentifierKind.AGENCY_ID, value="P-1", issuing_agency=police
    )
    person_address_add(actor=manager, person=absorbed, line_1="1 Test Street", postcode="SW1A 1AA")
    flag = risk_flag_add(
        actor=manager,
        person=absorbed,
        kind=RiskFlagKind.MISSING,
        source_agency=police,
        starts_on=clock.today(),
        review_on=clock.today() + timedelta(days=30),
    )
    absorbed_nhs = absorbed.nhs_number

    merge = person_merge(actor=manager, survivor=survivor, absorbed=absorbed, reason=REASON)

    assert merge.status == MergeStatus.COMPLETED
    absorbed.refresh_from_db()
    assert absorbed.merged_into_id == survivor.pk
    assert Relationship.objects.get(person_a=mother).person_b_id == survivor.pk
    assert PersonIdentifier.objects.get(value="P-1").person_id == survivor.pk
    assert (
        PersonIdentifier.objects.get(kind=IdentifierKind.NHS_NUMBER, value=absorbed_nhs).person_id
        == survivor.pk
    )
    assert survivor.addresses.count() == 1
    flag.refresh_from_db()
    assert flag.person_id == survivor.pk
    # The absorbed record's current name lives on as an alias; the survivor keeps one current name.
    assert PersonName.objects.filter(person=survivor, kind=NameKind.CURRENT).count() == 1
    assert PersonName.objects.filter(person=survivor, kind=NameKind.ALIAS, given_name="Amarah").exists()
    # The matcher can never offer it again, and search and view leave it out.
    assert not PersonMatchKey.objects.filter(person=absorbed).exists()
    assert not person_policy.can(manager, "view", absorbed)
    found = person_search(actor=manager, criteria=PersonSearch(family_name="Testwood", given_name="Amara"))
    assert absorbed not in found.people
    assert survivor in found.people
    # Audited on the merge and on both people.
    for target in (merge, survivor, absorbed):
        assert AuditEvent.objects.filter(object_id=str(target.pk), section="merge").exists()


def test_nothing_merges_without_a_reason_and_the_error_is_at_the_field(manager, pair) -> None:
    survivor, absorbed = pair
    with pytest.raises(ValidationError) as error:
        person_merge(actor=manager, survivor=survivor, absorbed=absorbed, reason="   ")
    assert "reason" in error.value.message_dict
    assert not PersonMerge.objects.exists()
    absorbed.refresh_from_db()
    assert absorbed.merged_into_id is None


def test_the_database_refuses_a_merge_without_a_reason(manager, pair) -> None:
    survivor, absorbed = pair
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonMerge.objects.create(
            survivor=survivor,
            absorbed=absorbed,
            status=MergeStatus.COMPLETED,
            reason="",
            decided_by=manager,
            decided_at=clock.now(),
        )


def test_a_record_is_not_merged_into_itself(manager, pair) -> None:
    survivor, _ = pair
    with pytest.raises(ValidationError) as error:
        person_merge(actor=manager, survivor=survivor, absorbed=survivor, reason=REASON)
    assert "survivor" in error.value.message_dict


def test_only_roles_with_the_merge_function_merge(make_user, pair) -> None:
    survivor, absorbed = pair
    with pytest.raises(PermissionRefused):
        person_merge(actor=make_user(Role.SOCIAL_WORKER), survivor=survivor, absorbed=absorbed, reason=REASON)


def test_both_records_must_be_visible_to_the_actor(manager, pair) -> None:
    """R22: a restricted record the manager may not open is "not found", and nothing is merged."""
    survivor, absorbed = pair
    restrict(absorbed)
    with pytest.raises(NotFoundOrForbidden):
        person_merge(actor=manager, survivor=survivor, absorbed=absorbed, reason=REASON)
    assert not PersonMerge.objects.exists()


def test_a_stale_comparison_is_a_conflict_not_a_merge(manager, pair) -> None:
    """R49: the user compared version 1; someone saved since, so the merge is refused."""
    survivor, absorbed = pair
    seen = absorbed.version
    Person.objects.filter(pk=absorbed.pk).update(version=seen + 1)
    with pytest.raises(ConflictError):
        person_merge(
            actor=manager, survivor=survivor, absorbed=absorbed, reason=REASON, absorbed_version=seen
        )
    assert not PersonMerge.objects.exists()


def test_an_already_merged_record_is_refused_at_the_field(manager, pair, new_person) -> None:
    survivor, absorbed = pair
    person_merge(actor=manager, survivor=survivor, absorbed=absorbed, reason=REASON)
    third = new_person(given_name="Amara", family_name="Testwood", date_of_birth=date(2015, 3, 14))
    with pytest.raises(ValidationError) as error:
        # The manager's "merge" view reaches absorbed records, but they cannot be merged twice.
        person_merge(actor=manager, survivor=third, absorbed=absorbed, reason=REASON)
    assert "absorbed" in error.value.message_dict
    assert PersonMerge.objects.count() == 1


def test_failure_midway_leaves_nothing_half_written(manager, pair, monkeypatch) -> None:
    """R50: an error after rows have moved rolls every one of them back."""
    survivor, absorbed = pair
    from safehub.people.services import merge as merge_module

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(merge_module, "_carry_restriction", explode)
    with pytest.raises(RuntimeError):
        person_merge(actor=manager, survivor=survivor, absorbed=absorbed, reason=REASON)
    assert not PersonMerge.objects.exists()
    assert not PersonMergeChange.objects.exists()
    assert PersonName.objects.filter(person=absorbed).count() == 1
    absorbed.refresh_from_db()
    assert absorbed.merged_into_id is None


# --- second approver (R26) ----------------------------------------------------------------------


@pytest.fixture
def four_eyes(settings):
    settings.SAFEHUB_MERGE_SECOND_APPROVER = True


def test_with_a_second_approver_the_merge_waits(manager, second_manager, pair, four_eyes) -> None:
    survivor, absorbed = pair
    merge = person_merge(actor=manager, survivor=survivor, absorbed=absorbed, reason=REASON)
    assert merge.status == MergeStatus.PENDING
    absorbed.refresh_from_db()
    assert absorbed.merged_into_id is None
    assert not merge.changes.exists()

    person_merge_approve(actor=second_manager, merge=merge)
    merge.refresh_from_db()
    absorbed.refresh_from_db()
    assert merge.status == MergeStatus.COMPLETED
    assert merge.approved_by == second_manager
    assert absorbed.merged_into_id == survivor.pk


def test_nobody_approves_their_own_merge(manager, pair, four_eyes) -> None:
    survivor, absorbed = pair
    merge = person_merge(actor=manager, survivor=survivor, absorbed=absorbed, reason=REASON)
    with pytest.raises(ValidationError) as error:
        person_merge_approve(actor=manager, merge=merge)
    assert "approved_by" in error.value.message_dict
    merge.refresh_from_db()
    assert merge.status == MergeStatus.PENDING


def test_the_database_refuses_a_self_approved_merge(manager, pair) -> None:
    """R26 in the database too: a write that bypasses the service still cannot self-approve."""
    survivor, absorbed = pair
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonMerge.objects.create(
            survivor=survivor,
            absorbed=absorbed,
            status=MergeStatus.COMPLETED,
            reason=REASON,
            decided_by=manager,
            decided_at=clock.now(),
            approved_by=manager,
            approved_at=clock.now(),
        )


def test_an_approver_without_the_function_is_refused(make_user, manager, pair, four_eyes) -> None:
    survivor, absorbed = pair
    merge = person_merge(actor=manager, survivor=survivor, absorbed=absorbed, reason=REASON)
    with pytest.raises(PermissionRefused):
        person_merge_approve(actor=make_user(Role.SOCIAL_WORKER), merge=merge)


# --- unmerge ------------------------------------------------------------------------------------


def test_unmerge_puts_every_link_back(manager, police, pair, new_person) -> None:
    survivor, absorbed = pair
    mother = new_person(given_name="Bea", family_name="Testwood", date_of_birth=date(1990, 1, 2))
    relationship_add(actor=manager, person_a=mother, person_b=absorbed, kind=RelationshipKind.PARENT)
    person_identifier_add(
        actor=manager, person=absorbed, kind=IdentifierKind.AGENCY_ID, value="P-1", issuing_agency=police
    )
    merge = person_merge(actor=manager, survivor=survivor, absorbed=absorbed, reason=REASON)

    person_unmerge(actor=manager, merge=merge, reason="The school had two children of that name.")

    merge.refresh_from_db()
    absorbed.refresh_from_db()
    assert merge.status == MergeStatus.UNMERGED
    assert absorbed.merged_into_id is None
    assert Relationship.objects.get(person_a=mother).person_b_id == absorbed.pk
    assert PersonIdentifier.objects.get(value="P-1").person_id == absorbed.pk
    assert PersonName.objects.get(person=absorbed).kind == NameKind.CURRENT
    assert PersonMatchKey.objects.filter(person=absorbed).exists()
    assert person_policy.can(manager, "view", absorbed)


def test_unmerge_needs_a_reason(manager, pair) -> None:
    survivor, absorbed = pair
    merge = person_merge(actor=manager, survivor=survivor, absorbed=absorbed, reason=REASON)
    with pytest.raises(ValidationError) as error:
        person_unmerge(actor=manager, merge=merge, reason="")
    assert "reason" in error.value.message_dict


def test_unmerge_refuses_while_a_later_merge_holds_the_rows(manager, pair, new_person) -> None:
    """A moved row moved on again: undo the later merge first, and nothing changes meanwhile."""
    survivor, absorbed = pair
    third = new_person(given_name="Amara", family_name="Testwood", date_of_birth=date(2015, 3, 14))
    first = person_merge(actor=manager, survivor=survivor, absorbed=absorbed, reason=REASON)
    second = person_merge(actor=manager, survivor=third, absorbed=survivor, reason=REASON)
    absorbed.refresh_from_db()
    assert absorbed.merged_into_id == third.pk  # re-pointed at the final survivor
    with pytest.raises(ValidationError) as error:
        person_unmerge(actor=manager, merge=first, reason="Wrong child.")
    assert "Undo any later merge" in str(error.value)
    person_unmerge(actor=manager, merge=second, reason="Wrong child.")
    person_unmerge(actor=manager, merge=first, reason="Wrong child.")
    absorbed.refresh_from_db()
    assert absorbed.merged_into_id is None


def test_unmerge_with_a_stale_version_is_a_conflict(manager, pair) -> None:
    survivor, absorbed = pair
    merge = person_merge(actor=manager, survivor=survivor, absorbed=absorbed, reason=REASON)
    with pytest.raises(ConflictError):
        person_unmerge(actor=manager, merge=merge, reason="Wrong.", expected_version=merge.version - 1)


# --- relationships that would turn into self- or duplicate relationships -----------------------


def test_a_relationship_between_the_two_records_stays_and_comes_back(manager, pair) -> None:
    survivor, absorbed = pair
    between = relationship_add(
        actor=manager, person_a=survivor, person_b=absorbed, kind=RelationshipKind.SIBLING
    )
    merge = person_merge(actor=manager, survivor=survivor, absorbed=absorbed, reason=REASON)
    between.refresh_from_db()
    assert {between.person_a_id, between.person_b_id} == {survivor.pk, absorbed.pk}
    kept = merge.changes.get(model_label="people.Relationship", object_id=str(between.pk))
    assert kept.action == MergeChangeAction.KEPT
    person_unmerge(actor=manager, merge=merge, reason="Two children.")
    between.refresh_from_db()
    assert {between.person_a_id, between.person_b_id} == {survivor.pk, absorbed.pk}


def test_a_relationship_the_survivor_already_has_is_not_duplicated(manager, pair, new_person) -> None:
    survivor, absorbed = pair
    mother = new_person(given_name="Bea", family_name="Testwood", date_of_birth=date(1990, 1, 2))
    relationship_add(actor=manager, person_a=mother, person_b=survivor, kind=RelationshipKind.PARENT)
    duplicate = relationship_add(
        actor=manager, person_a=mother, person_b=absorbed, kind=RelationshipKind.PARENT
    )
    merge = person_merge(actor=manager, survivor=survivor, absorbed=absorbed, reason=REASON)
    assert Relationship.objects.filter(person_a=mother, person_b=survivor, valid_to__isnull=True).count() == 1
    duplicate.refresh_from_db()
    assert duplicate.person_b_id == absorbed.pk
    assert merge.changes.get(object_id=str(duplicate.pk)).action == MergeChangeAction.KEPT


# --- restrictions: a merge never widens access (R22) ------------------------------------------


def test_a_restricted_absorbed_record_restricts_the_survivor(manager, make_user, pair) -> None:
    survivor, absorbed = pair
    restriction = restrict(absorbed)
    granted = AccessGrant.objects.create(
        restriction=restriction,
        user=manager,
        reason="Allocated manager",
        starts_at=clock.now() - timedelta(days=1),
        expires_at=clock.now() + timedelta(days=10),
        status=GrantStatus.ACTIVE,
        requested_by=make_user(Role.IG_OFFICER),
    )
    outsider = make_user(Role.SOCIAL_WORKER)
    assert person_policy.can(outsider, "view", survivor)

    merge = person_merge(actor=manager, survivor=survivor, absorbed=absorbed, reason=REASON)

    carried = RestrictedRecord.objects.get(object_type="people.person", object_id=survivor.pk)
    assert carried.level == Level.RESTRICTED
    assert not person_policy.can(outsider, "view", survivor)
    assert person_policy.can(manager, "view", survivor)  # the grant came across
    person_unmerge(actor=manager, merge=merge, reason="Two children.")
    assert not RestrictedRecord.objects.filter(object_id=survivor.pk).exists()
    assert person_policy.can(outsider, "view", survivor)
    granted.refresh_from_db()
    assert granted.restriction_id == restriction.pk


def test_a_sealed_absorbed_record_seals_the_survivor_and_survivor_only_grants_stop(
    manager, make_user, pair
) -> None:
    survivor, absorbed = pair
    ig = make_user(Role.IG_OFFICER)
    theirs = restrict(absorbed, Level.SEALED, by=ig)
    ours = restrict(survivor, Level.RESTRICTED, by=ig)
    window = {"starts_at": clock.now() - timedelta(days=1), "expires_at": clock.now() + timedelta(days=10)}
    for restriction in (theirs, ours):
        AccessGrant.objects.create(
            restriction=restriction,
            user=manager,
            reason="Manager",
            status=GrantStatus.ACTIVE,
            requested_by=ig,
            decided_by=make_user(Role.IG_OFFICER),
            decided_at=clock.now(),
            **window,
        )
    only_survivor = make_user(Role.SOCIAL_WORKER)
    survivor_only_grant = AccessGrant.objects.create(
        restriction=ours,
        user=only_survivor,
        reason="Worker",
        status=GrantStatus.ACTIVE,
        requested_by=ig,
        **window,
    )
    assert person_policy.can(only_survivor, "view", survivor)

    merge = person_merge(actor=manager, survivor=survivor, absorbed=absorbed, reason=REASON)

    ours.refresh_from_db()
    survivor_only_grant.refresh_from_db()
    assert ours.level == Level.SEALED
    assert survivor_only_grant.status == GrantStatus.REVOKED
    assert not person_policy.can(only_survivor, "view", survivor)
    person_unmerge(actor=manager, merge=merge, reason="Two children.")
    ours.refresh_from_db()
    survivor_only_grant.refresh_from_db()
    assert ours.level == Level.RESTRICTED
    assert survivor_only_grant.status == GrantStatus.ACTIVE
    assert person_policy.can(only_survivor, "view", survivor)
