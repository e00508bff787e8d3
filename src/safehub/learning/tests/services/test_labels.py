"""The anonymised label cannot reveal the child (ADR 0008 §2): names, aliases, date of birth."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from safehub.people.constants import NameKind
from safehub.people.models import PersonName
from safehub.people.tests.factories import PersonFactory

from ...services.labels import EMPTY, REVEALS_BIRTH, REVEALS_NAME, contains_date, subject_label_errors
from ...services.reviews import rapid_review_start, review_record
from .. import factories as f

pytestmark = pytest.mark.django_db

BORN = date(2019, 5, 9)


def _child() -> object:
    kid = f.child(given_name="Amelia Rose", family_name="Okafor-Hughes", preferred_name="Millie")
    PersonName.objects.create(person=kid, kind=NameKind.ALIAS, given_name="Mia", family_name="Stone")
    PersonName.objects.create(person=kid, kind=NameKind.PREVIOUS, given_name="Amelia", family_name="Baxter")
    return kid


def _problems(label: str, child: object) -> list[str]:
    errors: dict[str, list[str]] = {}
    subject_label_errors(errors, label, child)  # type: ignore[arg-type]
    return errors.get("subject_label", [])


@pytest.mark.parametrize(
    "label",
    [
        "Child Amelia",  # forename
        "Child ROSE",  # second forename, another case
        "Baby okafor",  # part of a double-barrelled surname
        "The Okafor-Hughes review",  # the whole surname
        "Child Millie",  # preferred name
        "Child Mia",  # alias
        "Child Stone",  # alias surname
        "Baxter family",  # previous surname
    ],
)
def test_a_label_with_any_name_the_child_is_known_by_is_refused(label: str) -> None:
    assert _problems(label, _child()) == [REVEALS_NAME]


def test_the_message_does_not_repeat_the_name() -> None:
    (message,) = _problems("Child Amelia", _child())
    assert "Amelia" not in message
    assert "would reveal who the child is" in message


def test_only_whole_words_count_and_accents_do_not_hide_a_name() -> None:
    kid = _child()
    assert _problems("Child F", kid) == []
    assert _problems("Child Am", kid) == []  # not a whole name
    assert _problems("Child Miami", kid) == []  # contains "Mia" but is another word
    zoe = PersonFactory(given_name="Zoë", family_name="Synthetic", date_of_birth=BORN)
    assert _problems("Child ZOE", zoe) == [REVEALS_NAME]


def test_a_name_on_a_record_merged_into_the_childs_counts() -> None:
    kid = _child()
    PersonFactory(given_name="Kayleigh", family_name="Other", merged_into=kid, date_of_birth=BORN)
    assert _problems("Child Kayleigh", kid) == [REVEALS_NAME]


@pytest.mark.parametrize(
    "label",
    [
        "Child F 2019-05-09",
        "Child F 09/05/2019",
        "Child F 9/5/19",
        "Child F 09.05.2019",
        "Child F (9 May 2019)",
        "Child F, born 9th May 2019",
        "Child F 9 of may 2019",
        "Child F May 9, 2019",
        "Child F 09-May-19",
        "Child F 09052019",
    ],
)
def test_a_label_with_the_date_of_birth_is_refused(label: str) -> None:
    assert _problems(label, _child()) == [REVEALS_BIRTH]


def test_other_dates_and_years_are_not_a_date_of_birth() -> None:
    kid = _child()
    assert _problems("Child F 2019", kid) == []
    assert _problems("Child F 10/05/2019", kid) == []
    assert _problems("Child F 05/09/2019", kid) == []  # 5 September: UK order
    assert not contains_date("review of 9 june 2019", BORN)


def test_an_empty_label_is_refused() -> None:
    assert _problems("   ", _child()) == [EMPTY]


def test_starting_a_rapid_review_checks_the_label_at_its_field() -> None:
    incident = f.incident(child=_child())
    with pytest.raises(ValidationError) as error:
        rapid_review_start(
            actor=f.partnership_manager(),
            incident=incident,
            subject_label="Child Amelia",
            title="Rapid review",
            started_on=f.TODAY,
        )
    assert error.value.message_dict == {"subject_label": [REVEALS_NAME]}
    review = rapid_review_start(
        actor=f.partnership_manager(),
        incident=incident,
        subject_label="  Child F  ",
        title="Rapid review",
        started_on=f.TODAY,
    )
    assert review.subject_label == "Child F"


def test_a_legacy_review_without_an_incident_has_no_child_to_check() -> None:
    review = review_record(
        actor=f.partnership_manager(),
        kind="serious_case",
        subject_label="Child Amelia",
        title="Serious case review (2015)",
        started_on=date(2015, 3, 2),
    )
    assert review.incident is None
    assert review.subject_label == "Child Amelia"
