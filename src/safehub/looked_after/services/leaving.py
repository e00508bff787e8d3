"""Care leavers (issue 6, item 7): opening the record, keeping in touch, pathway plan reviews, closing.

Children (Leaving Care) Act 2000 and the Care Leavers (England) Regulations 2010. Contacts carry
what SSDA903 OC3 asks (IN_TOUCH, ACTIV, ACCOM), checked against the 903 code lists at entry so the
return is clean without after-the-fact fixing.
"""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse

from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.casework.constants import CaseLevel, CaseService
from safehub.casework.services.involvement import involvement_close, involvement_open, involvement_update
from safehub.people.models import Person
from safehub.platform import clock
from safehub.platform.locking import save_versioned
from safehub.reference_data.selectors import code_choices

from ..constants import ACCOMMODATION_LIST, ACTIVITY_LIST, IN_TOUCH_LIST, Clock, LeaverCategory
from ..leaver_clocks import birthday, leaver_clocks_sync, next_window
from ..models import CareLeaver, CareLeaverContact, LookedAfterPeriod, PathwayPlanReview
from ..policies import care_leaver_policy

Errors = dict[str, list[str]]

# Why a record closes: a code, on the record and on the audit event (never free text: the audit
# payload holds no record content).
CLOSE_REASONS: tuple[tuple[str, str], ...] = (
    ("age", "Duties ended with age (21, or 25 for support from a personal adviser)"),
    ("declined", "The young person no longer wants support"),
    ("transferred", "Another council took over the duties"),
    ("looked_after", "Looked after again"),
    ("died", "The young person died"),
    ("other", "Another reason"),
)
IN_TOUCH_YES = "YES"
# 903 OC3: the young person is not there to have an activity or accommodation.
NO_ACTIVITY_IN_TOUCH = frozenset({"DIED", "RHOM"})
# 903 OC3 ACCOM Z (with former foster carers after 18, "staying put") is not for 17-year-olds.
STAYING_PUT_PREFIX = "Z"


def _d(day: date) -> str:
    return f"{day:%-d %B %Y}"


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _codes(key: str) -> set[str]:
    return {code for code, _label in code_choices(key)}


def _url(care_leaver: CareLeaver) -> str:
    try:
        return reverse("looked_after_leavers:leaver", args=[care_leaver.pk])
    except NoReverseMatch:
        return ""


def _check_category(errors: Errors, category: str) -> None:
    if not category:
        _add(errors, "category", "Choose the young person's leaving care category.")
    elif category not in LeaverCategory.values:
        _add(errors, "category", "Choose a leaving care category from the list.")


def _check_adviser(errors: Errors, adviser: Any) -> None:
    if adviser is not None and not adviser.is_active:
        _add(
            errors,
            "personal_adviser",
            f"{adviser} cannot be the personal adviser: their account is not active.",
        )


def _check_plan_date(errors: Errors, pathway_plan_on: date | None, first_care: date | None) -> None:
    if pathway_plan_on is None:
        return
    if pathway_plan_on > clock.today():
        _add(errors, "pathway_plan_on", "The date the pathway plan was agreed cannot be in the future.")
    if first_care is not None and pathway_plan_on < first_care:
        _add(
            errors,
            "pathway_plan_on",
            f"The pathway plan cannot be agreed before the young person was first looked after, on {_d(first_care)}.",
        )


def _check_activity_day(
    errors: Errors, care_leaver: CareLeaver, field: str, day: date | None, label: str
) -> None:
    """A contact or review: on an open record, not in the future, within the record's dates."""
    if care_leaver.ended_on is not None:
        _add(
            errors,
            "__all__",
            f"The record closed on {_d(care_leaver.ended_on)}: nothing more is recorded on it.",
        )
    if day is None:
        _add(errors, field, f"Enter the date of the {label}.")
        return
    if day > clock.today():
        _add(errors, field, f"The date of the {label} cannot be in the future.")
    if day < care_leaver.started_on:
        _add(
            errors, field, f"The {label} cannot be before the record opened on {_d(care_leaver.started_on)}."
        )


def _first_care(person: Person) -> date | None:
    return (
        LookedAfterPeriod.objects.filter(person=person)
        .order_by("started_on")
        .values_list("started_on", flat=True)
        .first()
    )


def care_leaver_open(
    *,
    actor: Any,
    person: Person,
    started_on: date,
    category: str,
    personal_adviser: Any = None,
    pathway_plan_on: date | None = None,
) -> CareLeaver:
    """Open the young person's care leaver record on a leaving care involvement.

    One open record per person (a database constraint too). The young person must have been looked
    after (a period of care on the record) and be 16 or over on the start date (the Act's
    categories start at 16). The worker chooses the category; `leaver_eligibility` suggests one.
    """
    care_leaver = CareLeaver(person=person)
    care_leaver_policy.check(actor, "manage", care_leaver)
    errors: Errors = {}
    _check_category(errors, category)
    _check_adviser(errors, personal_adviser)
    first_care = _first_care(person)
    if first_care is None:
        _add(
            errors,
            "__all__",
            "The young person has no period of care on their record: record their time in care first.",
        )
    if started_on is None:
        _add(errors, "started_on", "Enter the date the record starts.")
    else:
        if started_on > clock.today():
            _add(errors, "started_on", "The start date cannot be in the future.")
        dob = person.date_of_birth
        if dob is None:
            _add(
                errors,
                "started_on",
                "Record the young person's date of birth first: the categories depend on age.",
            )
        elif started_on < birthday(dob, 16):
            _add(
                errors,
                "started_on",
                f"The record cannot start before the young person's 16th birthday, {_d(birthday(dob, 16))}.",
            )
        if first_care is not None and started_on < first_care:
            _add(
                errors,
                "started_on",
                f"The record cannot start before the young person was first looked after, on {_d(first_care)}.",
            )
    _check_plan_date(errors, pathway_plan_on, first_care)
    existing = CareLeaver.objects.filter(person=person, ended_on__isnull=True).first()
    if existing is not None:
        _add(
            errors,
            "__all__",
            f"The young person already has an open care leaver record, from {_d(existing.started_on)}: "
            "update that record instead.",
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        involvement = involvement_open(
            actor=actor,
            person=person,
            service=CaseService.LEAVING_CARE,
            level=CaseLevel.CARE_LEAVER,
            title="Leaving care",
            opened_on=started_on,
        )
        care_leaver.involvement = involvement
        care_leaver.category = category
        care_leaver.started_on = started_on
        care_leaver.personal_adviser = personal_adviser
        care_leaver.pathway_plan_on = pathway_plan_on
        care_leaver.recorded_by = actor
        care_leaver.updated_by = actor
        care_leaver.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                care_leaver.save()
        except IntegrityError:
            raise ValidationError(
                {
                    "__all__": [
                        "The young person already has an open care leaver record: someone recorded it just now."
                    ]
                }
            ) from None
        involvement_update(involvement=involvement, url=_url(care_leaver))
        record_event(
            actor=actor, verb=Verb.CREATE, target=care_leaver, section="care_leaver", reason="opened"
        )
        leaver_clocks_sync(care_leaver=care_leaver, done_by=actor)
    return care_leaver


def care_leaver_update(
    *,
    actor: Any,
    care_leaver: CareLeaver,
    category: str,
    personal_adviser: Any,
    pathway_plan_on: date | None,
    expected_version: int,
) -> CareLeaver:
    """Change the category, the personal adviser or the date the pathway plan was agreed (R49)."""
    care_leaver_policy.check(actor, "manage", care_leaver)
    errors: Errors = {}
    if care_leaver.ended_on is not None:
        _add(errors, "__all__", f"The record closed on {_d(care_leaver.ended_on)}: it cannot be changed.")
    _check_category(errors, category)
    _check_adviser(errors, personal_adviser)
    _check_plan_date(errors, pathway_plan_on, _first_care(care_leaver.person))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        care_leaver.category = category
        care_leaver.personal_adviser = personal_adviser
        care_leaver.pathway_plan_on = pathway_plan_on
        save_versioned(care_leaver, expected_version=expected_version, actor=actor)
        record_event(
            actor=actor, verb=Verb.UPDATE, target=care_leaver, section="care_leaver", reason="updated"
        )
        leaver_clocks_sync(care_leaver=care_leaver, done_by=actor)
    return care_leaver


def _check_oc3(
    errors: Errors,
    care_leaver: CareLeaver,
    contact_on: date | None,
    in_touch: str,
    activity: str,
    accommodation: str,
) -> None:
    """903 OC3 at entry: codes from the lists; activity and accommodation when in touch (and only
    when there is a young person to have them); no "staying put" (ACCOM Z) before 18."""
    if not in_touch:
        _add(errors, "in_touch", "Choose whether the council was in touch with the young person.")
    elif in_touch not in _codes(IN_TOUCH_LIST):
        _add(errors, "in_touch", "Choose an answer from the list for whether the council was in touch.")
    if activity and activity not in _codes(ACTIVITY_LIST):
        _add(errors, "activity", "Choose the young person's main activity from the list.")
    if accommodation and accommodation not in _codes(ACCOMMODATION_LIST):
        _add(errors, "accommodation", "Choose the young person's accommodation from the list.")
    if in_touch == IN_TOUCH_YES:
        if not activity:
            _add(errors, "activity", "Choose the young person's main activity: it is needed when in touch.")
        if not accommodation:
            _add(
                errors,
                "accommodation",
                "Choose the young person's accommodation: it is needed when in touch.",
            )
    elif in_touch in NO_ACTIVITY_IN_TOUCH:
        if activity:
            _add(errors, "activity", "Leave the activity blank: the young person has died or returned home.")
        if accommodation:
            _add(
                errors,
                "accommodation",
                "Leave the accommodation blank: the young person has died or returned home.",
            )
    dob = care_leaver.person.date_of_birth
    under_18 = dob is not None and contact_on is not None and contact_on < birthday(dob, 18)
    if accommodation.startswith(STAYING_PUT_PREFIX) and under_18:
        _add(
            errors,
            "accommodation",
            "Living with former foster carers (Z) is only for young people aged 18 or over: "
            "the young person was under 18 on the date of the contact. Choose another accommodation.",
        )


def care_leaver_contact_record(
    *,
    actor: Any,
    care_leaver: CareLeaver,
    contact_on: date,
    in_touch: str,
    activity: str = "",
    accommodation: str = "",
    notes: str = "",
) -> CareLeaverContact:
    """Record a keeping-in-touch contact. A contact in the window of the birthday the open task is
    for (3 months before to 1 month after) completes that task and moves it to the next birthday."""
    care_leaver_policy.check(actor, "record", care_leaver)
    errors: Errors = {}
    _check_activity_day(errors, care_leaver, "contact_on", contact_on, "contact")
    _check_oc3(errors, care_leaver, contact_on, in_touch, activity, accommodation)
    if errors:
        raise ValidationError(errors)
    today = clock.today()
    earlier = list(care_leaver.contacts.values_list("contact_on", flat=True))
    target = next_window(care_leaver.person.date_of_birth, earlier, today)
    with transaction.atomic():
        contact = CareLeaverContact(
            care_leaver=care_leaver,
            contact_on=contact_on,
            in_touch=in_touch,
            activity=activity,
            accommodation=accommodation,
            notes=notes.strip(),
            recorded_by=actor,
            updated_by=actor,
        )
        contact.full_clean()
        contact.save()
        record_event(actor=actor, verb=Verb.CREATE, target=contact, section="care_leaver_contact")
        done = (
            {Clock.KEEPING_IN_TOUCH.value: contact_on}
            if target is not None and target.holds(contact_on)
            else {}
        )
        leaver_clocks_sync(care_leaver=care_leaver, done=done, done_by=actor)
    return contact


def pathway_review_record(
    *, actor: Any, care_leaver: CareLeaver, reviewed_on: date, summary: str = ""
) -> PathwayPlanReview:
    """Record a pathway plan review; the next is due within 6 months of it."""
    care_leaver_policy.check(actor, "record", care_leaver)
    errors: Errors = {}
    _check_activity_day(errors, care_leaver, "reviewed_on", reviewed_on, "pathway plan review")
    if reviewed_on is not None and care_leaver.pathway_plan_on and reviewed_on < care_leaver.pathway_plan_on:
        _add(
            errors,
            "reviewed_on",
            f"The review cannot be before the pathway plan was agreed, on {_d(care_leaver.pathway_plan_on)}.",
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        review = PathwayPlanReview(
            care_leaver=care_leaver,
            reviewed_on=reviewed_on,
            summary=summary.strip(),
            recorded_by=actor,
            updated_by=actor,
        )
        review.full_clean()
        review.save()
        record_event(actor=actor, verb=Verb.CREATE, target=review, section="pathway_review")
        latest = max(care_leaver.pathway_reviews.values_list("reviewed_on", flat=True))
        # Only the newest review satisfies the open task; a late-entered older one just recomputes.
        done = {Clock.PATHWAY_REVIEW.value: reviewed_on} if reviewed_on >= latest else {}
        leaver_clocks_sync(care_leaver=care_leaver, done=done, done_by=actor)
    return review


def care_leaver_close(
    *, actor: Any, care_leaver: CareLeaver, ended_on: date, reason: str, expected_version: int
) -> CareLeaver:
    """Close the record: the involvement closes with it and its clock tasks are cancelled."""
    care_leaver_policy.check(actor, "manage", care_leaver)
    errors: Errors = {}
    if care_leaver.ended_on is not None:
        _add(errors, "__all__", f"The record already closed on {_d(care_leaver.ended_on)}.")
        raise ValidationError(errors)
    if not reason:
        _add(errors, "reason", "Choose why the record is closing.")
    elif reason not in dict(CLOSE_REASONS):
        _add(errors, "reason", "Choose a reason for closing from the list.")
    if ended_on is None:
        _add(errors, "ended_on", "Enter the date the record closed.")
    else:
        if ended_on > clock.today():
            _add(errors, "ended_on", "The closing date cannot be in the future.")
        if ended_on < care_leaver.started_on:
            _add(
                errors,
                "ended_on",
                f"The record cannot close before it opened on {_d(care_leaver.started_on)}.",
            )
        dated = [(c.contact_on, "contact") for c in care_leaver.contacts.all()]
        dated += [(r.reviewed_on, "pathway plan review") for r in care_leaver.pathway_reviews.all()]
        if dated:
            last_day, last_what = max(dated, key=lambda item: item[0])
            if ended_on < last_day:
                _add(
                    errors,
                    "ended_on",
                    f"The record cannot close before the last thing recorded on it: the {last_what} on {_d(last_day)}.",
                )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        care_leaver.ended_on = ended_on
        care_leaver.end_reason = reason
        save_versioned(care_leaver, expected_version=expected_version, actor=actor)
        involvement_close(
            actor=actor,
            involvement=care_leaver.involvement,
            closed_on=ended_on,
            reason="The care leaver record closed.",
        )
        record_event(
            actor=actor, verb=Verb.UPDATE, target=care_leaver, section="care_leaver_close", reason=reason
        )
        leaver_clocks_sync(care_leaver=care_leaver, done_by=actor)
    return care_leaver


__all__ = [
    "CLOSE_REASONS",
    "care_leaver_close",
    "care_leaver_contact_record",
    "care_leaver_open",
    "care_leaver_update",
    "pathway_review_record",
]
