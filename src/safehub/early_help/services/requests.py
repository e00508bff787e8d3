"""A partner's request for support, sent straight to the early help team (ADR 0007 §7; issue 9, item 1).

The request carries the family as the partner knows them. The practitioner who accepts it finds
or records the people (through the people services and the matcher) and passes them in, so a
partner never creates a duplicate child. A request without the family's agreement is not an early
help request: a worry about safety is a referral to the front door, and the refusal says so.
"""

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from safehub.accounts.constants import Capability, Role
from safehub.accounts.models import Agency, Team
from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.people.models import Person
from safehub.platform import clock
from safehub.platform.errors import NotFoundOrForbidden, PermissionRefused
from safehub.platform.locking import save_versioned

from ..constants import EpisodeSource, NeedArea, RequestStatus, TafRole
from ..models import EarlyHelpEpisode, SupportRequest, TafMember
from ._rules import Errors, _d, add
from .episodes import AdultSpec, episode_open

NO_CONSENT = (
    "Early help needs the family's agreement. If you are worried about a child's safety without it, "
    "make a referral to the front door."
)


def support_request_submit(
    *,
    actor: Any,
    child_first_name: str,
    child_last_name: str,
    child_date_of_birth: date | None,
    reason: str,
    family_consents: bool,
    agency: Agency | None = None,
    other_children: str = "",
    parent_carer_names: str = "",
    address: str = "",
    postcode: str = "",
    needs: Iterable[str] = (),
    willing_to_lead: bool = False,
    submitted_on: date | None = None,
) -> SupportRequest:
    """A partner asks the early help team to support a family (the family has agreed)."""
    if not actor.has_capability(Capability.REQUEST_EARLY_HELP):
        raise PermissionRefused()
    submitted_on = submitted_on or clock.today()
    agency = agency or getattr(actor, "agency", None)
    chosen = list(dict.fromkeys(needs))
    errors: Errors = {}
    if not family_consents:
        add(errors, "family_consents", NO_CONSENT)
    if not child_first_name.strip():
        add(errors, "child_first_name", "Enter the child's first name.")
    if not child_last_name.strip():
        add(errors, "child_last_name", "Enter the child's last name.")
    if child_date_of_birth is None:
        add(errors, "child_date_of_birth", "Enter the child's date of birth.")
    elif child_date_of_birth > clock.today():
        add(errors, "child_date_of_birth", "The child's date of birth cannot be in the future.")
    if not reason.strip():
        add(errors, "reason", "Say what the family needs help with, and what has been tried.")
    if any(need not in NeedArea.values for need in chosen):
        add(errors, "needs", "Choose the family's needs from the list.")
    if agency is None:
        add(errors, "agency", "Choose your organisation.")
    if submitted_on > clock.today():
        add(errors, "submitted_on", "The date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    assert child_date_of_birth is not None
    with transaction.atomic():
        request = SupportRequest(
            requested_by=actor,
            agency=agency,
            child_first_name=child_first_name.strip(),
            child_last_name=child_last_name.strip(),
            child_date_of_birth=child_date_of_birth,
            other_children=other_children.strip(),
            parent_carer_names=parent_carer_names.strip(),
            address=address.strip(),
            postcode=postcode.strip().upper(),
            needs=chosen,
            reason=reason.strip(),
            family_consents=True,
            willing_to_lead=bool(willing_to_lead),
            submitted_on=submitted_on,
            updated_by=actor,
        )
        request.full_clean()
        request.save()
        record_event(actor=actor, verb=Verb.CREATE, target=request, section="support_request")
    return request


def _check_deciding(actor: Any, request: SupportRequest, errors: Errors, decided_on: date) -> None:
    if not actor.has_capability(Capability.MANAGE_EARLY_HELP):
        raise NotFoundOrForbidden()
    if request.status != RequestStatus.SUBMITTED:
        assert request.decided_on is not None
        add(
            errors,
            "__all__",
            f"This request was already {request.get_status_display().split(':')[0].lower()} "
            f"on {_d(request.decided_on)}.",
        )
        raise ValidationError(errors)
    if decided_on > clock.today():
        add(errors, "decided_on", "The date of the decision cannot be in the future.")
    elif decided_on < request.submitted_on:
        add(
            errors,
            "decided_on",
            f"The request was made on {_d(request.submitted_on)}: decide it on or after that.",
        )


def support_request_decline(
    *, actor: Any, request: SupportRequest, reason: str, decided_on: date | None = None
) -> SupportRequest:
    """Decline a request, saying why (the requester reads it)."""
    decided_on = decided_on or clock.today()
    errors: Errors = {}
    _check_deciding(actor, request, errors, decided_on)
    if not reason.strip():
        add(errors, "reason", "Say why the request is declined: the requester will read it.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        request.status = RequestStatus.DECLINED
        request.decided_on = decided_on
        request.decided_by = actor
        request.decision_reason = reason.strip()
        save_versioned(request, expected_version=request.version, actor=actor)
        record_event(
            actor=actor, verb=Verb.UPDATE, target=request, section="support_request", reason="declined"
        )
    return request


def support_request_accept(
    *,
    actor: Any,
    request: SupportRequest,
    children: Sequence[Person],
    adults: Iterable[AdultSpec],
    team: Team | None,
    worker: Any,
    family_name: str,
    opened_on: date | None = None,
    reason: str = "",
) -> EarlyHelpEpisode:
    """Accept a request: open the family's episode with the people the practitioner found or
    recorded. A partner professional willing to lead becomes the lead professional; otherwise the
    requester joins the team around the family as a member."""
    opened_on = opened_on or clock.today()
    errors: Errors = {}
    _check_deciding(actor, request, errors, opened_on)
    if errors:
        raise ValidationError(errors)
    requester = request.requested_by
    leads = requester.role == Role.EARLY_HELP_PARTNER and request.willing_to_lead and requester.is_active
    with transaction.atomic():
        episode = episode_open(
            actor=actor,
            family_name=family_name,
            source=EpisodeSource.PARTNER_REQUEST,
            source_reference=str(request.pk),
            reason=reason.strip() or request.reason,
            opened_on=opened_on,
            team=team,
            organisation=request.agency if leads else getattr(team, "agency", None),
            children=children,
            adults=adults,
            lead_professional=requester if leads else None,
            worker=worker,
        )
        if not leads:
            TafMember.objects.create(
                episode=episode,
                user=requester if requester.is_active else None,
                name=requester.full_name,
                agency=request.agency,
                role=TafRole.MEMBER,
                joined_on=opened_on,
            )
        request.status = RequestStatus.ACCEPTED
        request.decided_on = opened_on
        request.decided_by = actor
        request.episode = episode
        save_versioned(request, expected_version=request.version, actor=actor)
        record_event(
            actor=actor, verb=Verb.UPDATE, target=request, section="support_request", reason="accepted"
        )
    return episode
