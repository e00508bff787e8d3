"""Missing and away episodes with their return home interviews, and unaccompanied asylum-seeking
status (issue 6, items 4 and 5).

Statutory guidance on children who run away or go missing from home or care (2014): when a child
returns, the local authority offers an independent return home interview within 72 hours. The
903 Missing table records each episode (MISSING M/A, MIS_START, MIS_END); the UASC table records
the date the status ceased (DUC), which is never later than the 18th birthday.

Episodes belong to a period and are recorded only while it is open; UASC status is the child's, not
the period's, so it is recorded (and corrected) on the child's latest period even once that has
ended: leave to remain often comes after a young person has left care, and the care leaver's
record still needs the date the status ceased.
"""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.casework.timescales import add_months
from safehub.people.models import Person
from safehub.platform import clock
from safehub.platform.errors import NotFoundOrForbidden
from safehub.platform.locking import save_versioned

from ..clocks import period_clocks_sync
from ..constants import MISSING_KIND_LIST, Clock
from ..models import LookedAfterPeriod, MissingEpisode, UascStatus
from ..policies import care_policy
from ._rules import (
    Errors,
    _d,
    add,
    check_code,
    check_date,
    check_not_after,
    check_not_before,
    check_open,
)
from .permanence import touch_period


def _overlapping(
    person_id: Any, started_on: date, ended_on: date | None, exclude: Any = None
) -> MissingEpisode | None:
    """Another of the child's episodes (in any period) that overlaps this one. A child may come back
    and go missing again on the same day, so an episode may start on the day another ended.
    """
    for other in MissingEpisode.objects.filter(period__person_id=person_id).exclude(pk=exclude):
        if other.started_on == started_on:
            return other
        other_end = other.ended_on or date.max
        mine_end = ended_on or date.max
        if other.started_on < mine_end and started_on < other_end:
            return other
    return None


def _check_overlap(
    errors: Errors,
    period: LookedAfterPeriod,
    started_on: date | None,
    ended_on: date | None,
    exclude: Any = None,
) -> None:
    if started_on is None or any(errors.get(f) for f in ("started_on", "ended_on")):
        return
    other = _overlapping(period.person_id, started_on, ended_on, exclude)
    if other is None:
        return
    until = f"returned on {_d(other.ended_on)}" if other.ended_on else "has no return recorded"
    add(
        errors,
        "ended_on" if exclude is not None else "started_on",
        f"This overlaps the episode that started on {_d(other.started_on)} and {until}: "
        "a child is missing or away only once at a time. Correct the dates, or record the return on that episode.",
    )


def missing_record(
    *,
    actor: Any,
    period: LookedAfterPeriod,
    kind: str,
    started_on: date,
    ended_on: date | None = None,
    notes: str = "",
    expected_version: int | None = None,
) -> MissingEpisode:
    """Record that the child went missing (M) or was away without authorisation (A).
    `expected_version`: the period's version when the form was opened (R49)."""
    care_policy.check(actor, "record", period)
    errors: Errors = {}
    check_open(errors, period)
    check_code(errors, "kind", kind, MISSING_KIND_LIST, label="kind of absence")
    check_date(errors, period, "started_on", started_on, label="date the child went missing or away")
    if ended_on is not None:
        check_date(errors, period, "ended_on", ended_on, label="date the child returned")
        check_not_before(
            errors,
            "ended_on",
            ended_on,
            started_on,
            label="date the child returned",
            what="start of the episode",
        )
    _check_overlap(errors, period, started_on, ended_on)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        touch_period(period, actor=actor, expected_version=expected_version)
        episode = MissingEpisode(
            period=period,
            kind=kind,
            started_on=started_on,
            ended_on=ended_on,
            notes=notes.strip(),
            recorded_by=actor,
            updated_by=actor,
        )
        episode.full_clean()
        episode.save()
        record_event(actor=actor, verb=Verb.CREATE, target=episode, section="missing", reason=kind)
        period_clocks_sync(period=period, done_by=actor)
    return episode


def missing_update(
    *,
    actor: Any,
    episode: MissingEpisode,
    ended_on: date | None,
    interview_offered_on: date | None,
    interview_accepted: bool | None,
    interview_held_on: date | None,
    notes: str,
    expected_version: int,
) -> MissingEpisode:
    """Record the return and the return home interview: offered on or after the return, accepted or
    not, and held (only if accepted) on or after the offer.
    """
    period = episode.period
    care_policy.check(actor, "record", period)
    errors: Errors = {}
    check_open(errors, period)
    if ended_on is not None:
        check_date(errors, period, "ended_on", ended_on, label="date the child returned")
        check_not_before(
            errors,
            "ended_on",
            ended_on,
            episode.started_on,
            label="date the child returned",
            what="start of the episode",
        )
    elif episode.ended_on is not None:
        add(errors, "ended_on", "Enter the date the child returned: a return once recorded is not removed.")
    _check_interview(errors, ended_on, interview_offered_on, interview_accepted, interview_held_on)
    _check_overlap(errors, period, episode.started_on, ended_on, exclude=episode.pk)
    if errors:
        raise ValidationError(errors)
    newly_offered = episode.interview_offered_on is None and interview_offered_on is not None
    with transaction.atomic():
        episode.ended_on = ended_on
        episode.interview_offered_on = interview_offered_on
        episode.interview_accepted = interview_accepted if interview_offered_on else None
        episode.interview_held_on = interview_held_on
        episode.notes = notes.strip()
        save_versioned(episode, expected_version=expected_version, actor=actor)
        touch_period(period, actor=actor)
        record_event(actor=actor, verb=Verb.UPDATE, target=episode, section="missing")
        if newly_offered:
            assert interview_offered_on is not None
            done = {Clock.RETURN_INTERVIEW.value: interview_offered_on}
            period_clocks_sync(period=period, done=done, done_by=actor)
        else:
            period_clocks_sync(period=period, done_by=actor)
    return episode


def _check_interview(
    errors: Errors,
    ended_on: date | None,
    offered_on: date | None,
    accepted: bool | None,
    held_on: date | None,
) -> None:
    today = clock.today()
    if offered_on is not None:
        if ended_on is None:
            add(
                errors,
                "interview_offered_on",
                "Enter the date the child returned before recording the interview offer.",
            )
        check_not_before(
            errors,
            "interview_offered_on",
            offered_on,
            ended_on,
            label="date the interview was offered",
            what="child's return",
        )
        if offered_on > today:
            add(errors, "interview_offered_on", "The date the interview was offered cannot be in the future.")
    elif accepted is not None:
        add(
            errors,
            "interview_accepted",
            "Enter the date the interview was offered before saying whether it was accepted.",
        )
    if held_on is None:
        return
    if accepted is not True:
        add(
            errors,
            "interview_held_on",
            "An interview is held only if the child accepted it: say it was accepted, or leave the date blank.",
        )
    if held_on > today:
        add(errors, "interview_held_on", "The date the interview was held cannot be in the future.")
    check_not_before(
        errors,
        "interview_held_on",
        held_on,
        offered_on,
        label="date the interview was held",
        what="offer of the interview",
    )


# --- unaccompanied asylum-seeking children ----------------------------------------------------


def uasc_period(person: Person) -> LookedAfterPeriod:
    """The child's open period of care, else the latest: UASC status is recorded only for a child
    in care (or who has been), and on this period only (it alone shows the change link)."""
    periods = LookedAfterPeriod.objects.filter(person=person)
    chosen = periods.filter(ended_on__isnull=True).first() or periods.order_by("-started_on").first()
    if chosen is None:
        raise NotFoundOrForbidden()
    return chosen


def eighteenth_birthday(person: Person) -> date | None:
    return add_months(person.date_of_birth, 18 * 12) if person.date_of_birth else None


def uasc_record(
    *,
    actor: Any,
    person: Person,
    started_on: date,
    ceased_on: date | None = None,
    notes: str = "",
    expected_version: int | None = None,
) -> UascStatus:
    """Record (or correct) that the child is an unaccompanied asylum-seeking child, and the date the
    status ceased (903 DUC: no later than the 18th birthday). `expected_version` is required to
    change a status already recorded (R49).
    """
    period = uasc_period(person)
    care_policy.check(actor, "record", period)
    existing = UascStatus.objects.filter(person=person).first()
    errors: Errors = {}
    if started_on is None:
        add(errors, "started_on", "Enter the date the child became an unaccompanied asylum-seeking child.")
    else:
        if started_on > clock.today():
            add(errors, "started_on", "The date the status started cannot be in the future.")
        check_not_before(
            errors,
            "started_on",
            started_on,
            person.date_of_birth,
            label="date the status started",
            what="child's birth",
        )
    if ceased_on is not None:
        if ceased_on > clock.today():
            add(
                errors,
                "ceased_on",
                "The date the status ceased cannot be in the future: leave it blank until it happens.",
            )
        check_not_before(
            errors, "ceased_on", ceased_on, started_on, label="date the status ceased", what="date it started"
        )
        check_not_after(
            errors,
            "ceased_on",
            ceased_on,
            eighteenth_birthday(person),
            label="date the status ceased",
            what="child's 18th birthday",
        )
    if existing is not None and expected_version is None:
        add(
            errors,
            "__all__",
            "This child's status was recorded by someone else after you opened this page: check it now, then save again.",
        )
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            status = existing or UascStatus(person=person, recorded_by=actor, updated_by=actor)
            status.started_on = started_on
            status.ceased_on = ceased_on
            status.notes = notes.strip()
            if existing is None:
                status.full_clean()
                status.save()
            else:
                assert expected_version is not None
                save_versioned(status, expected_version=expected_version, actor=actor)
            verb = Verb.CREATE if existing is None else Verb.UPDATE
            record_event(actor=actor, verb=verb, target=status, section="uasc")
            period_clocks_sync(period=period, done_by=actor)
    except IntegrityError:
        # Two quick submits: the other created the child's status after our check (one per child).
        raise ValidationError(
            {"__all__": ["This child's status was recorded a moment ago: check it now."]}
        ) from None
    return status
