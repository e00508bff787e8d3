"""Feedback to the referrer (issue 4, item 7): an outbox, filled on authorisation, sent by a task.

What the referrer is told is written for them, per outcome, from the templates
front_door/email/feedback_<outcome>.txt. It carries the contact's reference and date and the
outcome in plain words, and nothing else: no rationale, nothing a partner agency shared, no
names or details of the family (an e-mail can go astray; the referrer knows who they referred,
and the portal shows them the names they gave). The referrer's own identity is never put in the
text, so the row can be shown to staff, or disclosed, without naming someone whose identity
must be kept from the family.

What the referrer is told at all is the authorising manager's choice (Decision.feedback_choice),
because feedback can itself harm a child: telling a referrer that the police are involved before
the strategy discussion can tip off an alleged abuser, and a relative, neighbour or anonymous
caller is not a professional bound to keep it confidential. The cautious default
(`feedback_default_choice`) withholds it in those cases. A withheld row is never e-mailed nor
shown in the portal, and its text is only the neutral "the MASH will contact you", so no other
reader of the row (the partner API's status, a disclosure) can leak the outcome either.

Sending claims a row before talking to the mail server and records the result afterwards, in
two short transactions, so no database lock is held across SMTP and two workers never send the
same row twice. A worker that dies mid-send leaves a claim that expires; `feedback_send_due`
(run by the `front_door_tick` command) then retries it.
"""

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from safehub.audit.constants import Outcome as AuditOutcome
from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.platform import clock

from ..constants import (
    FEEDBACK_MAX_ATTEMPTS,
    FeedbackChannel,
    FeedbackChoice,
    FeedbackStatus,
    Outcome,
)
from ..models import Decision, ReferrerFeedback

logger = logging.getLogger(__name__)

SYSTEM_ACTOR = "system: referrer feedback outbox"
# How long a claimed row is left alone before it is thought lost (a worker that died mid-send).
CLAIM_LEASE = timedelta(minutes=10)
# Minutes to wait after the nth failed attempt (the last one repeats).
BACKOFF_MINUTES = (5, 15, 60, 240)
LAST_ERROR_MAX = 1000

SUBJECTS = {
    Outcome.NO_FURTHER_ACTION: "Your referral {reference}: no further action by children's social care",
    Outcome.ADVICE: "Your referral {reference}: advice and signposting",
    Outcome.EARLY_HELP: "Your referral {reference}: passed to early help",
    Outcome.ASSESSMENT: "Your referral {reference}: an assessment by children's social care",
    Outcome.STRATEGY: "Your referral {reference}: children's social care are taking action",
}


# CIN census referral sources (`cin.referralsourcetype`) that are not professionals: individuals
# (family, acquaintance, self, other), anonymous and unknown. They are not told the outcome unless
# the manager chooses to tell them.
NON_PROFESSIONAL_SOURCES = frozenset({"1A", "1B", "1C", "1D", "9", "10"})
WITHHELD_SUBJECT = "Your referral {reference}"


def feedback_default_choice(*, outcome: str, referral_source: str) -> str:
    """The cautious default for what the referrer is told: withhold it for a strategy discussion
    (the risk of tipping off an alleged abuser before the strategy discussion and any section 47
    enquiry) and for a non-professional referrer; otherwise tell them, as Working Together to
    Safeguard Children 2023 expects feedback to a referring professional."""
    if outcome == Outcome.STRATEGY or referral_source.strip().upper() in NON_PROFESSIONAL_SOURCES:
        return FeedbackChoice.WITHHOLD
    return FeedbackChoice.SEND


def feedback_wording(decision: Decision, *, withheld: bool = False) -> tuple[str, str]:
    """The subject and body for the referrer of `decision`'s contact; with `withheld`, only that
    the MASH will contact them (no outcome)."""
    contact = decision.contact
    received = timezone.localtime(contact.received_at)
    context = {
        "reference": contact.reference,
        "received": received,
        "council_name": settings.SAFEHUB_COUNCIL_NAME,
        "via_portal": contact.submitted_by_id is not None,
        "portal_url": _portal_url(),
    }
    if withheld:
        body = render_to_string("front_door/email/feedback_withheld.txt", context).strip() + "\n"
        return WITHHELD_SUBJECT.format(reference=contact.reference), body
    outcome = Outcome(decision.outcome)
    body = render_to_string(f"front_door/email/feedback_{outcome.value}.txt", context).strip() + "\n"
    return SUBJECTS[outcome].format(reference=contact.reference), body


def _portal_url() -> str:
    base = str(getattr(settings, "SAFEHUB_BASE_URL", "") or "").rstrip("/")
    return f"{base}/portal/" if base else ""


def feedback_queue(decision: Decision, *, actor: Any = None) -> ReferrerFeedback:
    """Put the referrer's feedback for an authorised decision in the outbox, as the manager chose.

    Called inside `decision_authorise`'s transaction. SEND e-mails it when the contact has an
    e-mail address for the referrer, and otherwise leaves it portal-only (a portal referrer sees
    it on their referral; a caller without either is told by the MASH by phone); PORTAL_ONLY is
    never e-mailed; WITHHOLD is neither e-mailed nor shown. A decision without a choice gets the
    cautious default. Queuing twice for one decision returns the first row.
    """
    existing = ReferrerFeedback.objects.filter(decision=decision).first()
    if existing is not None:
        return existing
    contact = decision.contact
    choice = decision.feedback_choice or feedback_default_choice(
        outcome=decision.outcome, referral_source=contact.referral_source
    )
    withheld = choice == FeedbackChoice.WITHHOLD
    subject, body = feedback_wording(decision, withheld=withheld)
    # Only a SEND row carries the address, so no later code path can e-mail any other row.
    email = contact.referrer_email.strip() if choice == FeedbackChoice.SEND else ""
    if withheld:
        status = FeedbackStatus.WITHHELD
    else:
        status = FeedbackStatus.QUEUED if email else FeedbackStatus.NOT_EMAILED
    feedback = ReferrerFeedback(
        contact=contact,
        decision=decision,
        channel=FeedbackChannel.EMAIL if email else FeedbackChannel.PORTAL,
        recipient_email=email,
        subject=subject,
        body=body,
        status=status,
        # A safety net: if the task below is lost, the tick finds the row once this has passed.
        next_attempt_at=clock.now() + CLAIM_LEASE if email else None,
    )
    feedback.full_clean()
    feedback.save()
    record_event(
        actor=actor, verb=Verb.CREATE, target=feedback, section=str(status), actor_label=SYSTEM_ACTOR
    )
    if email:
        feedback_id = str(feedback.pk)
        transaction.on_commit(lambda: _enqueue(feedback_id))
    return feedback


def _enqueue(feedback_id: str) -> None:
    # Imported here: the task module imports this one.
    from ..feedback_tasks import feedback_send

    try:
        feedback_send.enqueue(feedback_id)
    except Exception:
        # The decision is committed; the tick will send the row when its claim time passes.
        logger.exception("Could not enqueue referrer feedback %s", feedback_id)


def feedback_deliver(feedback_id: Any, *, now: datetime | None = None) -> str:
    """Send one outbox row if it is due; returns its status afterwards.

    Idempotent: a row already sent, given up, portal-only, or claimed by another worker is left
    as it is.
    """
    now = now or clock.now()
    claimed = _claim(feedback_id, now)
    if claimed is None:
        row = ReferrerFeedback.objects.filter(pk=feedback_id).only("status").first()
        return row.status if row else ""
    try:
        send_mail(
            claimed.subject,
            claimed.body,
            settings.DEFAULT_FROM_EMAIL,
            [claimed.recipient_email],
            fail_silently=False,
        )
    except Exception as error:  # any transport failure is retried, never lost
        return _record_failure(claimed, now, error)
    return _record_sent(claimed)


def _claim(feedback_id: Any, now: datetime) -> ReferrerFeedback | None:
    with transaction.atomic():
        row = ReferrerFeedback.objects.select_for_update().filter(pk=feedback_id).first()
        if row is None or row.status not in (FeedbackStatus.QUEUED, FeedbackStatus.FAILED):
            return None
        # The first attempt goes at once; later ones wait for their backoff (or a lost claim).
        if row.attempts and row.next_attempt_at and row.next_attempt_at > now:
            return None
        row.attempts += 1
        row.next_attempt_at = now + CLAIM_LEASE
        row.save(update_fields=["attempts", "next_attempt_at", "updated_at"])
    return row


def _record_sent(row: ReferrerFeedback) -> str:
    with transaction.atomic():
        row.status = FeedbackStatus.SENT
        row.sent_at = clock.now()
        row.next_attempt_at = None
        row.last_error = ""
        row.save(update_fields=["status", "sent_at", "next_attempt_at", "last_error", "updated_at"])
        record_event(actor=None, actor_label=SYSTEM_ACTOR, verb=Verb.SHARE, target=row, section="email")
    return str(row.status)


def _record_failure(row: ReferrerFeedback, now: datetime, error: Exception) -> str:
    logger.warning("Referrer feedback %s not sent (attempt %s): %s", row.pk, row.attempts, error)
    with transaction.atomic():
        row.last_error = f"{type(error).__name__}: {error}"[:LAST_ERROR_MAX]
        if row.attempts >= FEEDBACK_MAX_ATTEMPTS:
            row.status = FeedbackStatus.GAVE_UP
            row.next_attempt_at = None
        else:
            row.status = FeedbackStatus.FAILED
            row.next_attempt_at = now + backoff(row.attempts)
        row.save(update_fields=["status", "last_error", "next_attempt_at", "updated_at"])
        record_event(
            actor=None,
            actor_label=SYSTEM_ACTOR,
            verb=Verb.SHARE,
            target=row,
            section="email",
            outcome=AuditOutcome.FAILURE,
        )
    return str(row.status)


def backoff(attempts: int) -> timedelta:
    """The wait after `attempts` failed sends: 5 minutes, 15, an hour, then every 4 hours."""
    index = min(max(attempts, 1), len(BACKOFF_MINUTES)) - 1
    return timedelta(minutes=BACKOFF_MINUTES[index])


def feedback_send_due(now: datetime | None = None) -> int:
    """Retry every row whose time has come: failed rows after their backoff, and queued rows
    whose task was lost or whose worker died mid-send. Returns how many were attempted.

    For the `front_door_tick` command; each row is claimed on its own, so a tick running beside
    the task worker never sends a row twice.
    """
    now = now or clock.now()
    due = list(
        ReferrerFeedback.objects.filter(
            Q(status__in=(FeedbackStatus.QUEUED, FeedbackStatus.FAILED)),
            next_attempt_at__lte=now,
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)
    )
    for feedback_id in due:
        feedback_deliver(feedback_id, now=now)
    return len(due)
