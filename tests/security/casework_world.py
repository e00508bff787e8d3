"""The issue-5 objects a route can name: a referral at each stage, a plan, a conference, a task,
a note, a letter template, a clean document and a MASH handover waiting to be taken."""

from datetime import timedelta
from typing import Any

from safehub.accounts.constants import Role


def casework_world(world: dict[str, Any], make_user: Any) -> dict[str, Any]:
    from safehub.access.tests.factories import make_person
    from safehub.casework.constants import CaseLevel, DocumentSource, DocumentStatus
    from safehub.casework.documents import storage
    from safehub.casework.models import Document, Task
    from safehub.casework.tests.factories import CaseNoteFactory, LetterTemplateFactory
    from safehub.child_protection.constants import ConferenceKind, Section47Outcome, StrategyDecision
    from safehub.child_protection.models import (
        Assessment,
        ChildInNeedPlan,
        ChildProtectionPlan,
        Conference,
        Section47Enquiry,
        StrategyDiscussion,
    )
    from safehub.child_protection.tests.factories import ReferralFactory
    from safehub.platform import clock

    worker = make_user(Role.SOCIAL_WORKER, email="casework.sweep@example.test")
    today = clock.today()
    referral = ReferralFactory(
        person=world["person"], recorded_by=worker, referral_date=today - timedelta(days=60)
    )
    involvement = referral.involvement
    assessment = Assessment.objects.create(
        referral=referral, started_on=today - timedelta(days=58), due_on=today + timedelta(days=5)
    )
    discussion = StrategyDiscussion.objects.create(
        referral=referral,
        held_on=today - timedelta(days=50),
        decision=StrategyDecision.SECTION_47,
        rationale="Sweep rationale.",
        recorded_by=worker,
    )
    enquiry = Section47Enquiry.objects.create(
        referral=referral,
        strategy_discussion=discussion,
        started_on=today - timedelta(days=50),
        icpc_due_on=today - timedelta(days=29),
        completed_on=today - timedelta(days=45),
        outcome=Section47Outcome.CONFERENCE,
    )
    plan = ChildProtectionPlan.objects.create(
        referral=referral,
        person=world["person"],
        started_on=today - timedelta(days=40),
        initial_category="NEG",
        latest_category="NEG",
    )
    conference = Conference.objects.create(
        referral=referral,
        kind=ConferenceKind.REVIEW,
        plan=plan,
        due_on=today + timedelta(days=50),
        recorded_by=worker,
    )
    involvement.level = CaseLevel.CHILD_PROTECTION
    involvement.save(update_fields=["level"])
    # A second child on a child in need plan (a CIN plan never runs beside a CP plan).
    cin_referral = ReferralFactory(
        person=make_person(given_name="Sweep", family_name="Yarrowby"), recorded_by=worker
    )
    cin_plan = ChildInNeedPlan.objects.create(referral=cin_referral, started_on=cin_referral.referral_date)
    task = Task.objects.create(
        involvement=involvement,
        person=world["person"],
        key="manual",
        title="Sweep task",
        due_on=today + timedelta(days=3),
        manual=True,
        assigned_to=worker,
        created_by=worker,
    )
    stored = storage.save(b"%PDF-1.4 sweep")
    document = Document.objects.create(
        person=world["person"],
        involvement=involvement,
        title="Sweep document",
        original_name="sweep.pdf",
        storage_name=stored,
        content_type="application/pdf",
        size=14,
        sha256="0" * 64,
        status=DocumentStatus.CLEAN,
        source=DocumentSource.UPLOAD,
        uploaded_by=worker,
    )
    from safehub.front_door.constants import HandoverService
    from safehub.front_door.models import Handover

    handover = Handover.objects.create(
        contact=world["contact"], decision=world["decision"], service=HandoverService.ASSESSMENT
    )
    return {
        "handover": handover,
        "referral": referral,
        "involvement": involvement,
        "assessment": assessment,
        "section47": enquiry,
        "conference": conference,
        "cp_plan": plan,
        "cin_plan": cin_plan,
        "cin_referral": cin_referral,
        "task": task,
        "case_note": CaseNoteFactory(person=world["person"], author=worker, involvement=involvement),
        "letter_template": LetterTemplateFactory(),
        "document": document,
    }
