"""Disabilities: the CIN census codes (DfE item 8540) recorded for a person, withdrawn softly.

The returns read the current ones: the CIN census sends them, the SSD carries them, Annex A says
whether the child has one. The DfE's own rules are kept here, where they are recorded, so a return
never has to drop or guess a code: a code once per child (8794), and "No disability" never beside
another code (8790).
"""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from safehub.audit.constants import Verb
from safehub.platform import clock
from safehub.platform.errors import NotFoundOrForbidden

from ..constants import DisabilityCode
from ..models import Person, PersonDisability
from ..policies import person_policy
from ._common import audit, check_change, save_row

SECTION = "disabilities"
NONE_WITH_OTHERS = (
    '"No disability" cannot be recorded with another disability: withdraw the other disabilities first.'
)
OTHERS_WITH_NONE = (
    '"No disability" is recorded for this person and cannot be recorded with another '
    "disability: withdraw it first."
)


def person_disability_add(
    *,
    actor: Any,
    person: Person,
    code: str,
    recorded_on: date | None = None,
    source_agency: Any = None,
) -> PersonDisability:
    """Record a disability code for a person; `recorded_on` None means the date is not known."""
    with transaction.atomic():
        check_change(actor, person)
        if code not in DisabilityCode.values:
            raise ValidationError({"code": "Choose a disability from the list."})
        if recorded_on is not None and recorded_on > clock.today():
            raise ValidationError({"recorded_on": "The date recorded cannot be in the future."})
        # The person's row is the lock: two users adding "No disability" and a disability at the
        # same moment would each see the other's code missing (PostgreSQL; SQLite writes one at a time).
        Person.objects.select_for_update().filter(pk=person.pk).first()
        current = set(
            PersonDisability.objects.filter(person=person, removed_at__isnull=True).values_list(
                "code", flat=True
            )
        )
        if code in current:
            raise ValidationError({"code": "This disability is already recorded for this person."})
        if code == DisabilityCode.NONE and current:
            raise ValidationError({"code": NONE_WITH_OTHERS})
        if DisabilityCode.NONE in current:
            raise ValidationError({"code": OTHERS_WITH_NONE})
        disability = PersonDisability(
            person=person, code=code, recorded_on=recorded_on, source_agency=source_agency
        )
        save_row(disability, actor=actor)
        audit(actor, Verb.CREATE, person, SECTION)
    return disability


def person_disability_remove(*, actor: Any, disability: PersonDisability, reason: str) -> PersonDisability:
    """Withdraw a disability recorded in error or no longer so; it stays on the record, marked removed."""
    with transaction.atomic():
        check_change(actor, disability.person)
        if disability.removed_at is not None:
            raise ValidationError({"removed_reason": "This disability has already been withdrawn."})
        if not (reason or "").strip():
            raise ValidationError({"removed_reason": "Say why the disability is being withdrawn."})
        disability.removed_at = clock.now()
        disability.removed_reason = reason.strip()
        save_row(disability, actor=actor)
        audit(actor, Verb.UPDATE, disability.person, SECTION, reason=disability.removed_reason)
    return disability


# --- reads for the person page (the page's `person_get` audited the view, R27) ------------------


def person_disabilities(*, actor: Any, person: Person) -> list[PersonDisability]:
    """The person's current disabilities, for a reader who may see the person (R19)."""
    person_policy.check(actor, "view", person)
    rows = PersonDisability.objects.filter(person=person, removed_at__isnull=True)
    return list(rows.select_related("source_agency").order_by("code"))


def disability_for_change(*, actor: Any, person: Person, id: Any) -> PersonDisability:
    """One of `person`'s disabilities to withdraw: 404 unless the actor may change the person."""
    person_policy.check(actor, "change", person)
    row = PersonDisability.objects.filter(person=person, pk=id).select_related("person").first()
    if row is None:
        raise NotFoundOrForbidden()
    return row
