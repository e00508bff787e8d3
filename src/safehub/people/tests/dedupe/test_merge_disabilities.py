"""A merge moves the absorbed record's disabilities within the CIN census rules (8794 a code once,
8790 "No disability" alone), keeps the rest on the absorbed record with the reason, and an unmerge
puts every one back."""

from datetime import date

import pytest

from safehub.people.constants import DisabilityCode
from safehub.people.models import PersonDisability
from safehub.people.models.duplicates import MergeChangeAction
from safehub.people.services import person_disability_add, person_merge, person_unmerge

pytestmark = pytest.mark.django_db
REASON = "Same NHS number and date of birth; the school confirmed one child."


def _codes(person) -> list[str]:
    return sorted(
        PersonDisability.objects.filter(person=person, removed_at__isnull=True).values_list("code", flat=True)
    )


def test_disabilities_move_unless_the_survivor_would_break_a_census_rule(manager, new_person) -> None:
    survivor = new_person(given_name="Amara", family_name="Testwood", date_of_birth=date(2015, 3, 14))
    absorbed = new_person(given_name="Amarah", family_name="Testwood", date_of_birth=date(2015, 3, 14))
    person_disability_add(actor=manager, person=survivor, code=DisabilityCode.AUT)
    for code in (DisabilityCode.AUT, DisabilityCode.HEAR):
        person_disability_add(actor=manager, person=absorbed, code=code)

    merge = person_merge(actor=manager, survivor=survivor, absorbed=absorbed, reason=REASON)

    assert _codes(survivor) == ["AUT", "HEAR"]  # HEAR moved; AUT once (8794)
    assert _codes(absorbed) == ["AUT"]  # the duplicate stays behind, with the reason written down
    kept = merge.changes.filter(action=MergeChangeAction.KEPT, model_label="people.PersonDisability").get()
    assert "already has this disability" in kept.note

    person_unmerge(actor=manager, merge=merge, reason="The school had two children of that name.")
    assert _codes(survivor) == ["AUT"]
    assert _codes(absorbed) == ["AUT", "HEAR"]


def test_no_disability_never_joins_a_disability(manager, new_person) -> None:
    survivor = new_person(given_name="Ola", family_name="Testwood", date_of_birth=date(2016, 1, 2))
    absorbed = new_person(given_name="Ola", family_name="Testwood", date_of_birth=date(2016, 1, 2))
    person_disability_add(actor=manager, person=survivor, code=DisabilityCode.VIS)
    person_disability_add(actor=manager, person=absorbed, code=DisabilityCode.NONE)

    person_merge(actor=manager, survivor=survivor, absorbed=absorbed, reason=REASON)

    assert _codes(survivor) == ["VIS"]  # 8790
    assert _codes(absorbed) == ["NONE"]
