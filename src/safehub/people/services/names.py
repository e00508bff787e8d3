"""Names over time. The current name lives on `Person`; these rows keep every name it has been."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from safehub.audit.constants import Verb
from safehub.platform import clock

from ..constants import NameKind
from ..models import Person, PersonName
from ._common import audit, check_change, end_date, past_or_open, save_row
from .match_keys import person_refresh_match_keys

SECTION = "names"


def person_name_add(
    *,
    actor: Any,
    person: Person,
    kind: str,
    given_name: str,
    family_name: str,
    valid_from: date | None = None,
    valid_to: date | None = None,
    source_agency: Any = None,
) -> PersonName:
    """Record a previous name, an alias or a birth name (the current name changes on the person)."""
    with transaction.atomic():
        check_change(actor, person)
        if kind == NameKind.CURRENT:
            raise ValidationError({"kind": "Change the current name on the person's details."})
        past_or_open(valid_to, field="valid_to")
        name = PersonName(
            person=person,
            kind=kind,
            given_name=given_name.strip(),
            family_name=family_name.strip(),
            valid_from=valid_from,
            valid_to=valid_to,
            source_agency=source_agency,
        )
        save_row(name, actor=actor)
        person_refresh_match_keys(person)
        audit(actor, Verb.CREATE, person, SECTION)
    return name


def person_name_end(*, actor: Any, name: PersonName, valid_to: date | None = None) -> PersonName:
    """Mark a name as no longer used from `valid_to` (today by default); it stays on the record."""
    with transaction.atomic():
        check_change(actor, name.person)
        if name.kind == NameKind.CURRENT:
            raise ValidationError({"kind": "A current name is not ended: change the person's name instead."})
        if name.valid_to is not None:
            raise ValidationError({"valid_to": "This name has already been ended."})
        name.valid_to = end_date(valid_to, field="valid_to")
        save_row(name, actor=actor)
        person_refresh_match_keys(name.person)
        audit(actor, Verb.UPDATE, name.person, SECTION)
    return name


def sync_current_name(*, actor: Any, person: Person, old: tuple[str, str] | None) -> None:
    """Keep one `current` name row equal to the person's name; a replaced one becomes `previous`.

    `old` is the name before this change (None when the person is new). A person recorded before
    names were kept gets their current row the first time they are saved.
    """
    new = (person.given_name, person.family_name)
    current = PersonName.objects.filter(person=person, kind=NameKind.CURRENT).first()
    if current is not None and (current.given_name, current.family_name) == new:
        return
    today = clock.today()
    # A name that replaces another starts today; the first one we know of has no known start.
    replacing = current is not None or (old is not None and old != new)
    if current is not None:
        current.kind = NameKind.PREVIOUS
        current.valid_to = max(today, current.valid_from) if current.valid_from else today
        save_row(current, actor=actor)
    elif old is not None and old != new:
        save_row(
            PersonName(
                person=person, kind=NameKind.PREVIOUS, given_name=old[0], family_name=old[1], valid_to=today
            ),
            actor=actor,
        )
    save_row(
        PersonName(
            person=person,
            kind=NameKind.CURRENT,
            given_name=new[0],
            family_name=new[1],
            valid_from=today if replacing else None,
        ),
        actor=actor,
    )
