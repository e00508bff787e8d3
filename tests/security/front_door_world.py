"""The issue-4 objects a route can name (a contact, a subject, a request, a decision, a clock)."""

from typing import Any

from safehub.accounts.constants import Role


def front_door_world(world: dict[str, Any], make_user: Any) -> dict[str, Any]:
    from safehub.front_door.constants import ClockKey, DecisionStatus, Outcome
    from safehub.front_door.models import ClockSetting, Decision
    from safehub.front_door.tests.factories import (
        ContactFactory,
        ContactSubjectFactory,
        InformationRequestFactory,
        PartnerResponseFactory,
    )

    mash = make_user(Role.MASH_SOCIAL_WORKER, email="mash.front.sweep@example.test")
    contact = ContactFactory(
        recorded_by=mash, rag="amber", rag_due_at=world["person"].created_at, status="in_progress"
    )
    subject = ContactSubjectFactory(contact=contact, person=world["person"])
    request = InformationRequestFactory(contact=contact, sent_by=mash)
    response = PartnerResponseFactory(request=request)
    decision = Decision.objects.create(
        contact=contact,
        outcome=Outcome.EARLY_HELP,
        rationale="Sweep rationale: family agrees to early help.",
        status=DecisionStatus.PROPOSED,
        proposed_by=mash,
    )
    submitter = make_user(Role.REFERRER, email="referrer.sweep@example.test")
    return {
        "contact": contact,
        "contact_subject": subject,
        "information_request": request,
        "partner_response": response,
        "decision": decision,
        "clock_setting": ClockSetting.objects.get(key=ClockKey.RAG_RED),
        "portal_contact": ContactFactory(recorded_by=submitter, submitted_by=submitter, channel="portal"),
    }
