"""Issue 3 item 5: a flagged adult linked to a child alerts the child's workers and the MASH queue."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import UserFactory
from safehub.audit.models import AuditEvent
from safehub.people.constants import AddressKind, RiskFlagKind
from safehub.people.constants import RelationshipKind as K
from safehub.people.models import AlertLinkKind, AlertRecipient, FlaggedAdultAlert, Relationship
from safehub.people.services import (
    flagged_adult_linked,
    household_create,
    household_member_add,
    person_address_add,
    relationship_add,
    risk_flag_end,
)
from safehub.people.tests.factories import AddressFactory, indexed_person, restrict
from safehub.platform import clock
from safehub.platform.errors import NotFoundOrForbidden

pytestmark = pytest.mark.django_db


def only_alert() -> FlaggedAdultAlert:
    [alert] = FlaggedAdultAlert.objects.all()
    return alert


def test_a_relationship_to_a_child_alerts_the_allocated_worker_and_the_mash_queue(
    editor, adult, child, flag, mash_team, allocated, make_user
):
    worker = make_user(Role.SOCIAL_WORKER)
    allocated[child.pk] = [worker]
    flag(adult)
    relationship = relationship_add(actor=editor, person_a=adult, person_b=child, kind=K.STEP_PARENT)

    alert = only_alert()
    assert alert.adult == adult
    assert list(alert.children.all()) == [child]
    assert alert.link_kind == AlertLinkKind.RELATIONSHIP
    assert alert.context == {"relationship_id": str(relationship.pk)}
    assert alert.reason == (
        "An adult with a current flag (Person posing a risk to children) "
        "has a new relationship that links them to a child."
    )
    recipients = AlertRecipient.objects.filter(alert=alert)
    assert {(r.user, r.team) for r in recipients} == {(worker, None), (None, mash_team)}
    event = AuditEvent.objects.get(object_type="people.flaggedadultalert")
    assert (event.verb, event.object_id, event.actor) == ("create", str(alert.pk), editor)


def test_the_reason_names_no_one(editor, adult, child, flag, mash_team):
    flag(adult, RiskFlagKind.MAPPA_NOMINAL)
    flag(adult, RiskFlagKind.DOMESTIC_ABUSE_PERPETRATOR)
    relationship_add(actor=editor, person_a=adult, person_b=child, kind=K.PARENT)
    reason = only_alert().reason
    assert "MAPPA nominal" in reason
    assert "Domestic abuse perpetrator" in reason
    for secret in (adult.given_name, adult.family_name, child.given_name, child.family_name):
        assert secret not in reason


def test_a_sensitive_flag_raises_an_alert_without_naming_its_kind(editor, adult, child, flag, mash_team):
    from safehub.people.constants import Sensitivity

    flag(adult, RiskFlagKind.MAPPA_NOMINAL, sensitivity=Sensitivity.SENSITIVE)
    relationship_add(actor=editor, person_a=adult, person_b=child, kind=K.PARENT)
    alert = only_alert()
    assert "MAPPA" not in alert.reason
    assert alert.reason.startswith(
        "An adult with a current flag (a sensitive flag: the MASH team can see it)"
    )
    assert alert.flag_kinds == [RiskFlagKind.MAPPA_NOMINAL]


def test_an_unflagged_adult_raises_nothing(editor, adult, child, mash_team):
    relationship_add(actor=editor, person_a=adult, person_b=child, kind=K.PARENT)
    assert not FlaggedAdultAlert.objects.exists()


@pytest.mark.parametrize(
    "kind", [RiskFlagKind.RISK_TO_STAFF, RiskFlagKind.MISSING, RiskFlagKind.EXPLOITATION_RISK]
)
def test_flags_that_say_nothing_about_risk_to_children_raise_nothing(
    editor, adult, child, flag, mash_team, kind
):
    flag(adult, kind)
    relationship_add(actor=editor, person_a=adult, person_b=child, kind=K.PARENT)
    assert not FlaggedAdultAlert.objects.exists()


def test_an_ended_flag_raises_nothing(editor, adult, child, flag, mash_team):
    risk_flag_end(actor=editor, flag=flag(adult))
    relationship_add(actor=editor, person_a=adult, person_b=child, kind=K.PARENT)
    assert not FlaggedAdultAlert.objects.exists()


def test_a_flag_that_starts_later_raises_nothing_yet(editor, adult, child, flag, mash_team):
    today = clock.today()
    flag(adult, starts_on=today + timedelta(days=3), review_on=today + timedelta(days=30))
    relationship_add(actor=editor, person_a=adult, person_b=child, kind=K.PARENT)
    assert not FlaggedAdultAlert.objects.exists()


def test_a_relationship_between_two_adults_alerts_for_the_partners_children(
    editor, adult, child, flag, mash_team
):
    partner = indexed_person(
        actor=editor, given_name="Pat", family_name="Small", date_of_birth=adult.date_of_birth
    )
    relationship_add(actor=editor, person_a=partner, person_b=child, kind=K.PARENT)
    flag(adult)
    relationship_add(actor=editor, person_a=adult, person_b=partner, kind=K.PARTNER)
    assert list(only_alert().children.all()) == [child]


def test_a_relationship_already_ended_raises_nothing(editor, adult, child, flag, mash_team):
    flag(adult)
    today = clock.today()
    relationship_add(
        actor=editor,
        person_a=adult,
        person_b=child,
        kind=K.PARENT,
        valid_from=today - timedelta(days=99),
        valid_to=today,
    )
    assert not FlaggedAdultAlert.objects.exists()


def test_a_flagged_adult_joining_a_household_with_children(editor, adult, child, flag, mash_team):
    household = household_create(actor=editor, address=AddressFactory())
    household_member_add(actor=editor, household=household, person=child)
    flag(adult)
    member = household_member_add(actor=editor, household=household, person=adult)
    alert = only_alert()
    assert (alert.link_kind, list(alert.children.all())) == (AlertLinkKind.HOUSEHOLD, [child])
    assert alert.context == {"household_id": str(household.pk), "household_member_id": str(member.pk)}


def test_a_child_joining_a_flagged_adults_household(editor, adult, child, flag, mash_team):
    household = household_create(actor=editor, address=AddressFactory())
    household_member_add(actor=editor, household=household, person=adult)
    flag(adult)
    household_member_add(actor=editor, household=household, person=child)
    alert = only_alert()
    assert (alert.adult, list(alert.children.all())) == (adult, [child])
    assert "lives in a household that a child has joined" in alert.reason


def test_a_flagged_adult_at_an_address_where_a_child_lives(editor, adult, child, flag, mash_team):
    address = AddressFactory()
    person_address_add(actor=editor, person=child, address=address)
    flag(adult)
    person_address_add(actor=editor, person=adult, address=address, kind=AddressKind.HOME)
    alert = only_alert()
    assert (alert.link_kind, list(alert.children.all())) == (AlertLinkKind.ADDRESS, [child])


def test_a_child_moving_to_a_flagged_adults_address(editor, adult, child, flag, mash_team):
    address = AddressFactory()
    person_address_add(actor=editor, person=adult, address=address)
    flag(adult)
    person_address_add(actor=editor, person=child, address=address)
    assert list(only_alert().children.all()) == [child]


def test_a_flag_added_to_an_adult_already_linked_to_children(editor, adult, child, flag, mash_team):
    relationship_add(actor=editor, person_a=adult, person_b=child, kind=K.PARENT)
    assert not FlaggedAdultAlert.objects.exists()
    new_flag = flag(adult)
    alert = only_alert()
    assert (alert.link_kind, alert.context) == (AlertLinkKind.FLAG_ADDED, {"flag_id": str(new_flag.pk)})


def test_a_flag_on_an_adult_with_no_children_raises_nothing(adult, flag, mash_team):
    flag(adult)
    assert not FlaggedAdultAlert.objects.exists()


def test_a_flagged_child_is_not_a_flagged_adult(editor, child, flag, mash_team):
    sibling = indexed_person(actor=editor, date_of_birth=child.date_of_birth)
    flag(child, RiskFlagKind.POSING_RISK_TO_CHILDREN)
    relationship_add(actor=editor, person_a=child, person_b=sibling, kind=K.SIBLING)
    assert not FlaggedAdultAlert.objects.exists()


def test_each_mash_team_is_a_recipient_and_inactive_teams_are_not(editor, adult, child, flag, mash_team):
    from safehub.accounts.constants import TeamKind
    from safehub.accounts.tests.factories import TeamFactory

    second = TeamFactory(kind=TeamKind.MASH)
    TeamFactory(kind=TeamKind.MASH, is_active=False)
    TeamFactory(kind=TeamKind.ASSESSMENT)
    flag(adult)
    relationship_add(actor=editor, person_a=adult, person_b=child, kind=K.PARENT)
    assert {r.team for r in only_alert().recipients.all()} == {mash_team, second}


def test_an_inactive_allocated_worker_is_not_a_recipient(editor, adult, child, flag, mash_team, allocated):
    allocated[child.pk] = [UserFactory(is_active=False)]
    flag(adult)
    relationship_add(actor=editor, person_a=adult, person_b=child, kind=K.PARENT)
    assert [r.team for r in only_alert().recipients.all()] == [mash_team]


def test_a_failing_recipient_provider_rolls_back_the_link_and_the_alert(
    editor, adult, child, flag, mash_team
):
    from safehub.people.alerts.registry import register_allocated_workers, unregister_allocated_workers

    def broken(child):
        raise RuntimeError("casework is down")

    flag(adult)
    register_allocated_workers(broken)
    try:
        with pytest.raises(RuntimeError):
            relationship_add(actor=editor, person_a=adult, person_b=child, kind=K.PARENT)
    finally:
        unregister_allocated_workers(broken)
    assert not Relationship.objects.exists()
    assert not FlaggedAdultAlert.objects.exists()


def test_an_alert_about_a_restricted_adult_is_still_raised_when_a_child_joins(
    editor, adult, child, flag, mash_team
):
    """R22: the user adding the child cannot see the adult, but the MASH queue must still be told."""
    household = household_create(actor=editor, address=AddressFactory())
    household_member_add(actor=editor, household=household, person=adult)
    flag(adult)
    restrict(adult)
    household_member_add(actor=editor, household=household, person=child)
    assert only_alert().adult == adult


def test_the_public_hook_for_a_contact_names_its_children(editor, adult, child, flag, mash_team):
    flag(adult)
    alert = flagged_adult_linked(
        actor=editor,
        adult=adult,
        link_kind=AlertLinkKind.CONTACT,
        context={"contact": "C-1"},
        children=[child],
    )
    assert alert is not None
    assert alert.context == {"contact": "C-1"}
    assert "was named in a contact about a child" in alert.reason


def test_the_public_hook_refuses_a_contact_without_children(editor, adult, flag):
    flag(adult)
    with pytest.raises(ValidationError) as error:
        flagged_adult_linked(actor=editor, adult=adult, link_kind=AlertLinkKind.CONTACT)
    assert list(error.value.message_dict) == ["children"]


def test_the_public_hook_refuses_an_unknown_link(editor, adult):
    with pytest.raises(ValidationError) as error:
        flagged_adult_linked(actor=editor, adult=adult, link_kind="gossip")
    assert list(error.value.message_dict) == ["link_kind"]


def test_the_public_hook_is_404_for_an_adult_the_caller_may_not_see(editor, adult, child, flag):
    flag(adult)
    restrict(adult)
    with pytest.raises(NotFoundOrForbidden):
        flagged_adult_linked(actor=editor, adult=adult, link_kind=AlertLinkKind.CONTACT, children=[child])
