"""Setting up a multi-agency case audit round: the tool, the programme and the children's cases it
looks at (issue 10, item 5; ADR 0008 §8). Import these from `audits.py`, which re-exports them.

A case comes in one of two ways: a manager names a child (`case_audit_add`), or, because the
partnership manager cannot search people, the programme samples open casework of one service at
random (`cases_sample`). Either way the child must be one the manager may open, so a restricted
child never enters an audit through the back door.

Adding a case writes a CREATE event naming the case audit, in the same transaction. Opening the
case afterwards reads the child's record; those reads are audited by the learning selectors
(R27), not here. `audits.py` also uses the small helpers below.
"""

import random
import secrets
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from safehub.accounts.constants import Capability
from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.casework.constants import CaseService
from safehub.casework.models import Involvement
from safehub.casework.policies import person_hidden, person_open
from safehub.people.models import Person
from safehub.platform.errors import NotFoundOrForbidden, PermissionRefused

from ..constants import ProgrammeStatus
from ..models import AuditProgramme, AuditQuestion, AuditTool, CaseAudit, Theme
from ..policies import programme_policy

Errors = dict[str, list[str]]

# Local: a round of audit is a few cases per service; a bigger sample cannot be audited by
# partners in the time a programme runs, and is almost certainly a slip of the keyboard.
SAMPLE_MAX = 50

# A question as the caller gives it: its text, or (text, guidance).
QuestionSpec = str | tuple[str, str]


def add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def raise_if(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def d(day: date) -> str:
    return f"{day:%-d %B %Y}"


def check_themes(errors: Errors, themes: Iterable[Theme]) -> list[Theme]:
    """Themes are chosen from the partnership's current taxonomy: a retired one stays on old
    records only (ADR 0008 §7)."""
    chosen = list(themes)
    for theme in chosen:
        if not theme.active:
            add(errors, "themes", f"The theme “{theme.name}” is retired: choose a current theme.")
    return chosen


def lock_programme(programme: AuditProgramme) -> AuditProgramme:
    """Re-read the programme holding its row, so two managers adding cases (or the last two
    auditors submitting) are serialised and see each other's work. Call inside a transaction."""
    return AuditProgramme.objects.select_for_update().get(pk=programme.pk)


def check_auditing(errors: Errors, programme: AuditProgramme, field: str = "__all__") -> None:
    """Cases are added only while the programme is still auditing; once it is in moderation the
    sample is fixed, so the moderated grades describe the cases that were chosen."""
    if programme.status != ProgrammeStatus.AUDITING:
        add(
            errors,
            field,
            f"“{programme.title}” is {programme.get_status_display().lower()}: "
            "cases can be added only while it is auditing.",
        )


def _new_case(*, actor: Any, programme: AuditProgramme, child: Person, section: str) -> CaseAudit:
    case = CaseAudit(programme=programme, child=child, updated_by=actor)
    case.full_clean()
    case.save()
    # Names the case audit (which names the child) so the trail shows who put which child into
    # an audit; the section says how it was chosen.
    record_event(actor=actor, verb=Verb.CREATE, target=case, section=section)
    return case


# --- tools and programmes ---------------------------------------------------------------------


def _questions(errors: Errors, questions: Sequence[QuestionSpec]) -> list[tuple[str, str]]:
    cleaned: list[tuple[str, str]] = []
    for number, spec in enumerate(questions, start=1):
        text, guidance = (spec, "") if isinstance(spec, str) else spec
        if not (text or "").strip():
            add(errors, "questions", f"Question {number} has no text: write the question or remove it.")
        cleaned.append(((text or "").strip(), (guidance or "").strip()))
    if not cleaned:
        add(errors, "questions", "Add at least one question: auditors grade the case question by question.")
    return cleaned


def audit_tool_create(*, actor: Any, name: str, questions: Sequence[QuestionSpec]) -> AuditTool:
    """Create an audit tool with its questions, numbered in the order given. Each question is its
    text, or a (text, guidance) pair."""
    if not actor.has_capability(Capability.MANAGE_LEARNING):
        raise PermissionRefused("Only the partnership's managers can create audit tools.")
    errors: Errors = {}
    name = (name or "").strip()
    if not name:
        add(errors, "name", "Enter a name for the audit tool.")
    cleaned = _questions(errors, questions)
    with transaction.atomic():
        if name and AuditTool.objects.filter(name__iexact=name).exists():
            add(errors, "name", f"There is already an audit tool called “{name}”: choose another name.")
        raise_if(errors)
        made = AuditTool(name=name)
        made.full_clean()
        made.save()
        for number, (text, guidance) in enumerate(cleaned, start=1):
            question = AuditQuestion(tool=made, number=number, text=text, guidance=guidance)
            question.full_clean()
            question.save()
        record_event(actor=actor, verb=Verb.CREATE, target=made, section="audit_tool")
    return made


def programme_create(
    *,
    actor: Any,
    title: str,
    tool: AuditTool,
    starts_on: date,
    due_on: date,
    focus: str = "",
    themes: Iterable[Theme] = (),
) -> AuditProgramme:
    """Open an audit programme on an active tool, led by `actor`."""
    programme = AuditProgramme()
    programme_policy.check(actor, "manage", programme)
    errors: Errors = {}
    title = (title or "").strip()
    if not title:
        add(errors, "title", "Enter a title for the audit programme.")
    if tool is None:
        add(errors, "tool", "Choose the audit tool the auditors will use.")
    elif not tool.active:
        add(errors, "tool", f"The tool “{tool.name}” is no longer in use: choose a current tool.")
    if starts_on is None:
        add(errors, "starts_on", "Enter the date the audit starts.")
    if due_on is None:
        add(errors, "due_on", "Enter the date the audit is due to finish.")
    elif starts_on is not None and due_on < starts_on:
        add(errors, "due_on", f"The due date cannot be before the audit starts on {d(starts_on)}.")
    chosen = check_themes(errors, themes)
    raise_if(errors)
    with transaction.atomic():
        programme.title = title
        programme.tool = tool
        programme.focus = (focus or "").strip()
        programme.starts_on = starts_on
        programme.due_on = due_on
        programme.lead = actor
        programme.updated_by = actor
        programme.full_clean()
        programme.save()
        programme.themes.set(chosen)
        record_event(actor=actor, verb=Verb.CREATE, target=programme, section="programme")
    return programme


# --- cases ----------------------------------------------------------------------------------


def case_audit_add(*, actor: Any, programme: AuditProgramme, child: Person) -> CaseAudit:
    """Add a named child's case to the programme. A child is audited once per programme."""
    programme_policy.check(actor, "manage", programme)
    if not person_open(actor, child.pk):
        # The same answer as for a child who does not exist (R19).
        raise NotFoundOrForbidden()
    errors: Errors = {}
    if child.merged_into_id is not None:
        add(errors, "child", "This record was merged into another: add that record instead.")
    with transaction.atomic():
        programme = lock_programme(programme)
        check_auditing(errors, programme)
        if CaseAudit.objects.filter(programme=programme, child=child).exists():
            add(errors, "child", f"This child's case is already in “{programme.title}”.")
        raise_if(errors)
        return _new_case(actor=actor, programme=programme, child=child, section="case_added")


def sample_candidates(*, actor: Any, programme: AuditProgramme, service: str) -> list[Any]:
    """Ids of the children the sample is drawn from, in a fixed order: those with open casework
    of `service` (an involvement not yet closed), not already in the programme, not merged away
    and not restricted from `actor`."""
    open_work = Involvement.objects.filter(service=service, closed_on__isnull=True)
    qs = (
        Person.objects.filter(pk__in=open_work.values("person_id"), merged_into__isnull=True)
        .exclude(pk__in=CaseAudit.objects.filter(programme=programme).values("child_id"))
        .exclude(pk__in=person_hidden(actor))
        .order_by("pk")
    )
    # Ordered by id so that the same seed over the same records draws the same children.
    return list(qs.values_list("pk", flat=True))


def cases_sample(
    *, actor: Any, programme: AuditProgramme, service: str, count: int, seed: int | None = None
) -> list[CaseAudit]:
    """Add `count` children chosen at random from the open casework of `service` (a
    `CaseService` value) and return their new case audits, in the order drawn.

    Children already in the programme and children the actor is restricted from are never drawn.
    When fewer than `count` children are left, every one of them is added: the length of the list
    returned says how many were (the page tells the manager). When none are left the sample is
    refused at `service`. `seed` makes the draw repeatable (for tests and for a manager who must
    show how a sample was taken); without it the draw is fresh each time.
    """
    programme_policy.check(actor, "manage", programme)
    errors: Errors = {}
    if service not in CaseService.values:
        add(errors, "service", "Choose the service to sample cases from.")
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        add(errors, "count", "Enter how many cases to sample: 1 or more.")
    elif count > SAMPLE_MAX:
        add(errors, "count", f"Sample at most {SAMPLE_MAX} cases at a time.")
    raise_if(errors)
    with transaction.atomic():
        programme = lock_programme(programme)
        check_auditing(errors, programme)
        raise_if(errors)
        candidates = sample_candidates(actor=actor, programme=programme, service=service)
        if not candidates:
            label = CaseService(service).label
            add(errors, "service", f"No open cases in {label} are left to sample for this programme.")
            raise_if(errors)
        # A team must not be able to predict which of its cases will be audited, so the draw comes
        # from the operating system; a seed (tests, a re-run the partnership wants to reproduce)
        # gives a repeatable draw instead.
        rng = secrets.SystemRandom() if seed is None else random.Random(seed)  # noqa: S311  # nosec B311
        drawn = rng.sample(candidates, min(count, len(candidates)))
        children = Person.objects.in_bulk(drawn)
        return [
            _new_case(actor=actor, programme=programme, child=children[pk], section="case_sampled")
            for pk in drawn
        ]
