"""The demo city's learning and quality assurance (issue 10): the whole learning cycle, built
through the learning services so that every clock, status and audit event is the services' own.

The stories (`learning_stories.py`, the audit round in `learning_audit.py`), newest first as the
partnership manager meets them:

- a serious incident recorded by the team manager and notified to the national panel in time,
  its rapid review under way: the police's return received, the health trust's still to come,
  the school's overdue and chased;
- a rapid review that commissioned a local child safeguarding practice review, now in progress
  with its 6-month due date, an independent lead reviewer, the panel and its milestones;
- an incident notified late (after its 5 working days), whose rapid review referred it to the
  national panel;
- a rapid review a year ago that decided on no further review, learning through its action plan;
- a local review four years ago (its rapid review held before Safehub), completed and published;
- a serious case review of 2017, published, whose actions were signed off on evidence, one
  completed and waiting for sign-off, and one owned by health that is overdue and escalated;
- a multi-agency case audit of neglect: cases moderated, one ready for moderation and one still
  being audited, with findings and a follow-up action.

The themes "Information sharing between agencies" and "Hidden and unseen adults" recur across
the years, so the themes view shows them recurring. Deterministic for a seed; a small city that
runs out of children skips the later stories.
"""

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q

from safehub.access.models import RestrictedRecord
from safehub.accounts.constants import AgencyKind, Role
from safehub.accounts.models import Agency, User
from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.casework.constants import CaseLevel, CaseService, DocumentStatus
from safehub.casework.documents import scanner, storage
from safehub.casework.models import Involvement
from safehub.learning.models import (
    ActionUpdate,
    AgencyReturn,
    AuditAnswer,
    AuditFinding,
    AuditProgramme,
    AuditTool,
    CaseAudit,
    CaseAuditor,
    Evidence,
    Finding,
    LearningAction,
    Recommendation,
    Review,
    SeriousIncident,
    Theme,
)
from safehub.learning.services.actions import action_add, action_update_add
from safehub.learning.services.evidence import evidence_scan, evidence_upload
from safehub.learning.services.incidents import incident_notify, incident_record
from safehub.learning.services.returns import agency_return_answer, agency_return_request
from safehub.people.models import Person
from safehub.platform import clock
from safehub.platform.calendar import calendar

from . import city
from . import learning_audit as audit
from . import learning_stories as stories

STEPS = 2
QUESTION = (
    "What did your agency know of the child and of the adults in the household in the two years "
    "before the incident, what did you do, and whom did you tell?"
)
# Synthetic answers, by the kind of agency giving them.
ANSWERS = {
    AgencyKind.POLICE: (
        "Two domestic incidents at the address in the last year, both recorded as verbal arguments; "
        "notifications were sent to the MASH. The mother's partner is known to another force."
    ),
    AgencyKind.HEALTH_TRUST: (
        "Health visiting: new birth visit and one contact since; a man was present at the second visit "
        "and described as a friend. No concerns were recorded. Two emergency department attendances."
    ),
    AgencyKind.SCHOOL: (
        "The older brother's attendance fell to 84% this year; he said there was a new man at home. "
        "The designated safeguarding lead logged it but did not refer."
    ),
}
Advance = Callable[[str], None]
LOADER = "safehub load_demo_city"
# What the loader writes on evidence it passes itself when no virus scanner is configured.
DEMO_SCAN = "Demo city: the loader's own synthetic PDF, passed without a scan (no scanner configured)"


@dataclass
class Summary:
    incidents: int = 0
    reviews: int = 0
    actions: int = 0
    case_audits: int = 0
    skipped: list[str] = field(default_factory=list)


def wipe(person_ids: Iterable[uuid.UUID]) -> None:
    """Remove the demo's learning before the people it names go (`--reset`): incidents and case
    audits protect the children, and actions, returns and findings protect the reviews."""
    ids = list(person_ids)
    demo_users = User.objects.filter(email__iendswith=f"@{city.DEMO_DOMAIN}")
    incidents = SeriousIncident.objects.filter(Q(child_id__in=ids) | Q(recorded_by__in=demo_users))
    reviews = Review.objects.filter(Q(incident__in=incidents) | Q(created_by__in=demo_users))
    review_ids = set(reviews.values_list("pk", flat=True))
    # A review commissioned from a demo review goes with it, whoever recorded it.
    review_ids |= set(Review.objects.filter(commissioned_from_id__in=review_ids).values_list("pk", flat=True))
    programmes = AuditProgramme.objects.filter(Q(lead__in=demo_users) | Q(cases__child_id__in=ids))
    programme_ids = set(programmes.values_list("pk", flat=True))
    cases = CaseAudit.objects.filter(Q(programme_id__in=programme_ids) | Q(child_id__in=ids))
    programme_ids |= set(cases.values_list("programme_id", flat=True))
    cases = CaseAudit.objects.filter(programme_id__in=programme_ids)
    actions = LearningAction.objects.filter(
        Q(created_by__in=demo_users)
        | Q(recommendation__review_id__in=review_ids)
        | Q(audit_finding__case_audit__in=cases)
    )
    for evidence in Evidence.objects.filter(action__in=actions):
        storage.delete(evidence.storage_name)
        evidence.delete()
    ActionUpdate.objects.filter(action__in=actions).delete()
    actions.delete()
    AuditAnswer.objects.filter(auditor__case_audit__in=cases).delete()
    CaseAuditor.objects.filter(case_audit__in=cases).delete()
    AuditFinding.objects.filter(case_audit__in=cases).delete()
    cases.delete()
    tools = set(AuditProgramme.objects.filter(pk__in=programme_ids).values_list("tool_id", flat=True))
    AuditProgramme.objects.filter(pk__in=programme_ids).delete()
    AuditTool.objects.filter(Q(pk__in=tools) | Q(name=audit.NEGLECT_TOOL), programmes__isnull=True).delete()
    Recommendation.objects.filter(review_id__in=review_ids).delete()
    Finding.objects.filter(review_id__in=review_ids).delete()
    AgencyReturn.objects.filter(review_id__in=review_ids).delete()
    # Commissioned reviews first: each protects the rapid review it came from.
    Review.objects.filter(pk__in=review_ids, commissioned_from__isnull=False).delete()
    Review.objects.filter(pk__in=review_ids).delete()
    incidents.delete()


class LearningOffice:
    """The safeguarding partnership: its manager, the council's team manager, the partners' leads,
    the calendar, the themes and the children the stories can use."""

    def __init__(self, users: dict[str, User], agencies: dict[str, Agency]):
        self.manager = users[Role.PARTNERSHIP_MANAGER]
        self.team_manager = users[Role.TEAM_MANAGER]
        self.police_lead = users[city.POLICE_LEAD_EMAIL]
        self.nurse = users[city.DESIGNATED_NURSE_EMAIL]
        self.council = agencies[city.COUNCIL]
        self.police = agencies[city.POLICE]
        self.health = agencies[city.HOSPITAL]
        self.school = agencies[city.SCHOOL]
        self.today = clock.today()
        self.cal = calendar()
        self.themes = {t.name: t for t in Theme.objects.filter(active=True)}
        self.summary = Summary()
        restricted = {str(pk) for pk in RestrictedRecord.objects.values_list("object_id", flat=True)}
        self.audit_children = self._open_cases(restricted)
        taken = {c.pk for c in self.audit_children}
        self.children = [c for c in self._children(restricted) if c.pk not in taken]

    def _children(self, restricted: set[str]) -> list[Person]:
        """Children of the city, youngest first (most serious incidents are about babies)."""
        return [
            p
            for p in Person.objects.filter(
                merged_into__isnull=True,
                date_of_birth__gt=self.today - timedelta(days=16 * 366),
                date_of_birth__lt=self.today - timedelta(days=60),
            ).order_by("-date_of_birth", "family_name", "given_name")
            if str(p.pk) not in restricted
        ]

    def _open_cases(self, restricted: set[str]) -> list[Person]:
        """Children with open social care work, those on a child protection plan first: the pool
        the neglect audit takes its cases from, as `cases_sample` would."""
        rank: dict[str, int] = {CaseLevel.CHILD_PROTECTION: 0, CaseLevel.CHILD_IN_NEED: 1}
        open_work = Involvement.objects.filter(
            service=CaseService.CHILD_IN_NEED, closed_on__isnull=True, person__merged_into__isnull=True
        ).select_related("person")
        seen: dict[uuid.UUID, tuple[int, str, str, Person]] = {}
        for involvement in open_work:
            person = involvement.person
            if str(person.pk) in restricted or person.date_of_birth is None:
                continue
            key = (rank.get(involvement.level, 2), person.family_name, person.given_name, person)
            if person.pk not in seen or key[0] < seen[person.pk][0]:
                seen[person.pk] = key
        return [k[3] for k in sorted(seen.values(), key=lambda k: k[:3])][: audit.AUDIT_CASES]

    def next_child(self, story: str, age: str = "any") -> Person | None:
        """The youngest child left for a "baby", the oldest for a "teen", else one in between."""
        if not self.children:
            self.summary.skipped.append(story)
            return None
        at = {"baby": 0, "teen": -1}.get(age, len(self.children) // 2)
        return self.children.pop(at)

    def theme(self, *names: str) -> list[Theme]:
        return [self.themes[n] for n in names if n in self.themes]

    def wd(self, n: int) -> date:
        """`n` working days before today (after it, if negative)."""
        return self.cal.add_working_days(self.today, -n)

    def after(self, day: date, n: int) -> date:
        return self.cal.add_working_days(day, n)

    # --- the services, with the partnership's usual actors ----------------------------------------
    def incident(
        self, child: Person, kind: str, aware_on: date, notified_after: int, summary: str, reference: str
    ) -> SeriousIncident:
        """The team manager records the incident from the child's record the day the council hears
        of it (the day after it happened), and notifies the panel `notified_after` working days on."""
        incident = incident_record(
            actor=self.team_manager,
            child=child,
            kind=kind,
            incident_on=aware_on - timedelta(days=1),
            aware_on=aware_on,
            summary=summary,
            agencies=[self.police, self.health, self.school],
        )
        self.summary.incidents += 1
        return incident_notify(
            actor=self.team_manager,
            incident=incident,
            expected_version=incident.version,
            notified_on=self.after(aware_on, notified_after),
            panel_reference=reference,
        )

    def ask(
        self, review: Review, agency: Agency, on: date, answered_on: date | None = None, answer: str = ""
    ) -> AgencyReturn:
        """Ask an agency for its return; the agency's lead answers it (the partnership enters the
        school's, which has no learning account) when `answered_on` is given."""
        asked = agency_return_request(
            actor=self.manager, review=review, agency=agency, question=QUESTION, requested_on=on
        )
        if answered_on is None:
            return asked
        by = {self.police.pk: self.police_lead, self.health.pk: self.nurse}.get(agency.pk, self.manager)
        return agency_return_answer(
            actor=by,
            agency_return=asked,
            expected_version=asked.version,
            response=answer or ANSWERS.get(AgencyKind(agency.kind), "No record of the family."),
            received_on=answered_on,
        )

    def action(
        self,
        source: Recommendation | AuditFinding,
        description: str,
        agency: Agency,
        due_on: date,
        owner: User | None = None,
        owner_name: str = "",
    ) -> LearningAction:
        """Agree an action; one that fell due before today is set back after the service made it.

        `action_add` refuses a due date in the past, rightly for anyone agreeing an action now. The
        demo's history needs actions that fell due months or years ago, so only the due date is
        set back, straight after; the audit trail still says truthfully that the loader agreed it
        today."""
        recommendation = source if isinstance(source, Recommendation) else None
        finding = source if isinstance(source, AuditFinding) else None
        action = action_add(
            actor=self.manager,
            description=description,
            agency=agency,
            owner_name=owner_name,
            owner=owner,
            due_on=max(due_on, self.today),
            recommendation=recommendation,
            audit_finding=finding,
        )
        if due_on < self.today:
            LearningAction.objects.filter(pk=action.pk).update(due_on=due_on)
            action.due_on = due_on
        self.summary.actions += 1
        return action

    def progress(self, action: LearningAction, by: User, updates: Iterable[tuple[date, str, str]]) -> None:
        for written_on, rag, text in updates:
            action_update_add(actor=by, action=action, text=text, rag=rag, written_on=written_on)

    # --- evidence ---------------------------------------------------------------------------------
    def evidence(self, action: LearningAction, actor: User, title: str, *, passed: bool = True) -> Evidence:
        """Upload a small synthetic PDF as evidence, through the upload pipeline (inspection,
        quarantine; R43). With `passed`, it is then made available for sign-off, see `_pass`."""
        name = "-".join(title.lower().split())[:60] + ".pdf"
        upload = SimpleUploadedFile(name, synthetic_pdf(title), content_type="application/pdf")
        evidence = evidence_upload(actor=actor, action=action, title=title, uploaded_file=upload)
        return _pass(evidence) if passed else evidence


def _pass(evidence: Evidence) -> Evidence:
    """Evidence counts towards sign-off only once the virus scan passes it (ADR 0008 §5).

    With a scanner configured (`SAFEHUB_CLAMAV`), the real scan runs now. The demo usually has
    none, and the scan would then leave every file quarantined, so no action could ever be shown
    signed off. The file is the loader's own synthetic PDF (built above, never an upload), so the
    loader records it clean itself, as `evidence_scan` would, but says so: the scan detail and the
    audit event name the loader, not the scanner.
    """
    if scanner.mode() != "off":
        return evidence_scan(evidence=evidence)
    evidence.status = DocumentStatus.CLEAN
    evidence.scan_detail = DEMO_SCAN
    evidence.scanned_at = clock.now()
    evidence.save(update_fields=["status", "scan_detail", "scanned_at", "updated_at"])
    record_event(
        actor=None,
        actor_label=LOADER,
        verb=Verb.UPDATE,
        target=evidence,
        section="evidence",
        reason="scan_clean",
    )
    return evidence


def synthetic_pdf(title: str) -> bytes:
    """A one-page PDF saying what it stands for: small, valid, and passes the upload inspection."""
    text = "".join(ch for ch in f"Synthetic demo evidence: {title}" if ch.isascii() and ch not in "()\\")
    content = f"BT /F1 14 Tf 56 780 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def load(*, users: dict[str, User], agencies: dict[str, Agency], advance: Advance) -> Summary:
    """Build the partnership's reviews, action plans and case audit, then run the nightly sweep."""
    from safehub.learning.tasks import learning_sweep

    office = LearningOffice(users, agencies)
    # Oldest learning first, so the recurring themes build up in the order they happened.
    stories.legacy_serious_case_review(office)
    stories.earlier_local_review(office)
    stories.no_further_review(office)
    stories.local_review_commissioned(office)
    stories.late_notification(office)
    stories.rapid_review_running(office)
    advance("learning")
    audit.neglect_audit(office)
    # The nightly `learning_tick`, as it would have run last night: it escalates the overdue
    # action and chases the overdue return, once each (e-mails only after the load commits).
    learning_sweep(today=office.today)
    advance("learning")
    return office.summary
