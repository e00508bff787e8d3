"""The early help assessment: the family's strengths and needs, in their own words as well as the
practitioner's (issue 9, item 2). Completing it satisfies the assessment clock."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.platform.locking import save_versioned

from ..clocks import episode_clocks_sync
from ..constants import Clock, NeedArea
from ..models import EarlyHelpAssessment, EarlyHelpEpisode
from ..policies import episode_policy
from ._rules import Errors, _d, add, check_episode_date, check_open


def assessment_start(*, actor: Any, episode: EarlyHelpEpisode, started_on: date) -> EarlyHelpAssessment:
    """Start an assessment. One runs at a time: finish the open one before starting another."""
    episode_policy.check(actor, "record", episode)
    errors: Errors = {}
    check_open(errors, episode)
    check_episode_date(errors, episode, "started_on", started_on, label="start of the assessment")
    running = episode.assessments.filter(completed_on__isnull=True).first()
    if running is not None:
        add(
            errors,
            "__all__",
            f"The assessment started on {_d(running.started_on)} is still open: complete it first.",
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        assessment = EarlyHelpAssessment(episode=episode, started_on=started_on, updated_by=actor)
        assessment.full_clean()
        assessment.save()
        record_event(actor=actor, verb=Verb.CREATE, target=assessment, section="eh_assessment")
        episode_clocks_sync(episode)
    return assessment


def _check_needs(errors: Errors, needs: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(needs))
    for need in chosen:
        if need not in NeedArea.values:
            add(errors, "needs", "Choose the family's needs from the list.")
            break
    return chosen


def assessment_update(
    *,
    actor: Any,
    assessment: EarlyHelpAssessment,
    expected_version: int,
    strengths: str,
    needs: Iterable[str],
    needs_summary: str,
    family_views: str,
    child_views: str,
) -> EarlyHelpAssessment:
    """Record what the assessment found so far. A completed assessment is not rewritten."""
    episode = assessment.episode
    episode_policy.check(actor, "record", episode)
    errors: Errors = {}
    check_open(errors, episode)
    if assessment.completed_on is not None:
        add(errors, "__all__", f"The assessment was completed on {_d(assessment.completed_on)}.")
    chosen = _check_needs(errors, needs)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        assessment.strengths = strengths.strip()
        assessment.needs = chosen
        assessment.needs_summary = needs_summary.strip()
        assessment.family_views = family_views.strip()
        assessment.child_views = child_views.strip()
        save_versioned(assessment, expected_version=expected_version, actor=actor)
        record_event(actor=actor, verb=Verb.UPDATE, target=assessment, section="eh_assessment")
    return assessment


def assessment_complete(
    *, actor: Any, assessment: EarlyHelpAssessment, expected_version: int, completed_on: date
) -> EarlyHelpAssessment:
    """Complete the assessment: it names at least one need and carries the family's own words,
    because a plan is built on both (issue 9, item 2)."""
    episode = assessment.episode
    episode_policy.check(actor, "record", episode)
    errors: Errors = {}
    check_open(errors, episode)
    if assessment.completed_on is not None:
        add(errors, "__all__", f"The assessment was already completed on {_d(assessment.completed_on)}.")
        raise ValidationError(errors)
    check_episode_date(errors, episode, "completed_on", completed_on, label="completion date")
    if completed_on is not None and completed_on < assessment.started_on:
        add(
            errors,
            "completed_on",
            f"The assessment cannot be completed before it started on {_d(assessment.started_on)}.",
        )
    if not assessment.needs:
        add(errors, "needs", "Choose at least one of the family's needs before completing the assessment.")
    if not assessment.family_views.strip():
        add(errors, "family_views", "Record the family's views, in their own words, before completing.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        assessment.completed_on = completed_on
        assessment.completed_by = actor
        save_versioned(assessment, expected_version=expected_version, actor=actor)
        record_event(
            actor=actor, verb=Verb.UPDATE, target=assessment, section="eh_assessment", reason="completed"
        )
        episode_clocks_sync(episode, done={Clock.ASSESSMENT: completed_on}, done_by=actor)
    return assessment
