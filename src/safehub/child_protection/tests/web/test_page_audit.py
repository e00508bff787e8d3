"""Every case form page audits its read as exactly one view of the referral (R27, R28).

Each page shows the child and the case, so opening it is an access to audit: one `view` event
on the referral, naming the page by a fixed section code and nothing typed (R27). The case page
audits its own read once (`referral_case`), and no more. Synthetic data only.
"""

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from safehub.accounts.constants import Role
from safehub.audit.constants import Verb
from safehub.audit.models import AuditEvent
from safehub.child_protection.models import Referral
from safehub.child_protection.services.plan import cin_plan_start
from safehub.child_protection.tests.services.referral_cases import referral, staff, started, strategy

from .protection_cases import NOW, initial_conference, on_plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


def _open_case() -> tuple[Referral, dict[str, Any]]:
    worker, _manager = staff()
    ref = referral(worker)
    return ref, {"referral": ref, "assessment": started(worker, ref)}


def _s47_case() -> tuple[Referral, dict[str, Any]]:
    worker, _manager = staff()
    ref = referral(worker)
    return ref, {"section47": strategy(worker, ref).section47_enquiry}


def _conference_case(make_user: Any) -> tuple[Referral, dict[str, Any]]:
    _worker, _manager, ref, plan = on_plan(make_user(Role.IRO))
    review = ref.conferences.filter(plan=plan, held_on__isnull=True).first()
    return ref, {"cp_plan": plan, "initial": initial_conference(ref), "review": review}


def _cin_case() -> tuple[Referral, dict[str, Any]]:
    worker, _manager = staff()
    ref = referral(worker)
    plan = cin_plan_start(actor=worker, referral=ref, started_on=date(2026, 11, 9), summary="Synthetic plan.")
    return ref, {"cin_plan": plan}


# (route, role that may use it, case builder, object key in the case, section code)
PAGES: list[tuple[str, Role, str, str, str]] = [
    ("child_protection:referral_edit", Role.SOCIAL_WORKER, "open", "referral", "referral_edit"),
    ("child_protection:referral_close", Role.TEAM_MANAGER, "open", "referral", "referral_close"),
    ("child_protection:assessment_start", Role.SOCIAL_WORKER, "open", "referral", "assessment_start"),
    ("child_protection:assessment_edit", Role.SOCIAL_WORKER, "open", "assessment", "assessment_edit"),
    ("child_protection:assessment_complete", Role.SOCIAL_WORKER, "open", "assessment", "assessment_complete"),
    (
        "child_protection:assessment_authorise",
        Role.TEAM_MANAGER,
        "open",
        "assessment",
        "assessment_authorise",
    ),
    ("child_protection:strategy_new", Role.SOCIAL_WORKER, "open", "referral", "strategy_new"),
    ("child_protection:section47_complete", Role.SOCIAL_WORKER, "s47", "section47", "section47_complete"),
    ("child_protection_protection:conference_schedule", Role.IRO, "cp", "review", "conference_schedule"),
    ("child_protection_protection:conference_record", Role.IRO, "cp", "review", "conference_record"),
    (
        "child_protection_protection:conference_cancel",
        Role.TEAM_MANAGER,
        "cp",
        "initial",
        "conference_cancel",
    ),
    ("child_protection_protection:transfer_in", Role.IRO, "open", "referral", "transfer_in"),
    ("child_protection_protection:plan_end", Role.IRO, "cp", "cp_plan", "cp_plan_end"),
    ("child_protection_protection:core_group_new", Role.SOCIAL_WORKER, "cp", "cp_plan", "core_group_new"),
    ("child_protection_protection:cin_plan_start", Role.SOCIAL_WORKER, "open", "referral", "cin_plan_start"),
    ("child_protection_protection:cin_plan_end", Role.SOCIAL_WORKER, "cin", "cin_plan", "cin_plan_end"),
    ("child_protection_protection:cin_plan_review", Role.SOCIAL_WORKER, "cin", "cin_plan", "cin_plan_review"),
    ("child_protection_protection:visit_new", Role.SOCIAL_WORKER, "open", "referral", "visit_new"),
]


def _build(kind: str, make_user: Any) -> tuple[Referral, dict[str, Any]]:
    builders: dict[str, Callable[[], tuple[Referral, dict[str, Any]]]] = {
        "open": _open_case,
        "s47": _s47_case,
        "cp": lambda: _conference_case(make_user),
        "cin": _cin_case,
    }
    return builders[kind]()


def _views(ref: Referral) -> Any:
    return AuditEvent.objects.filter(verb=Verb.VIEW, object_id=str(ref.pk))


@pytest.mark.parametrize(("name", "role", "kind", "key", "section"), PAGES, ids=[p[0] for p in PAGES])
def test_each_case_form_page_writes_one_view_event_on_the_referral(
    signed_in, make_user, name, role, kind, key, section
) -> None:
    """R27, R28: opening the page writes exactly one view of the referral, naming the page only."""
    ref, objects = _build(kind, make_user)
    client = signed_in(role)
    before = _views(ref).count()
    response = client.get(reverse(name, args=[objects[key].pk]))
    assert response.status_code == 200
    assert _views(ref).count() - before == 1
    event = _views(ref).latest("seq")
    assert event.object_type == "child_protection.referral"
    assert event.section == section
    assert str(event.actor_id) == str(client.user.pk)
    # Only the fixed page code: no name, date or typed text (R27).
    assert event.reason == ""
    assert event.purpose == ""
    assert not event.detail


def test_a_form_shown_again_with_errors_is_audited_once(signed_in) -> None:
    """R27: a refused save shows the case again, so it is a read: one view event, nothing written."""
    ref, _objects = _open_case()
    client = signed_in(Role.SOCIAL_WORKER)
    before = _views(ref).count()
    response = client.post(reverse("child_protection_protection:visit_new", args=[ref.pk]), {})
    assert response.status_code == 200
    assert _views(ref).count() - before == 1
    assert not ref.visits.exists()


def test_a_forbidden_page_writes_no_view_event(signed_in) -> None:
    """R19, R27: a refused read (a 404) shows nothing and audits no view of the referral."""
    ref, objects = _open_case()
    client = signed_in(Role.SOCIAL_WORKER)
    before = _views(ref).count()
    assert (
        client.get(
            reverse("child_protection:assessment_authorise", args=[objects["assessment"].pk])
        ).status_code
        == 403
    )
    assert client.get(reverse("child_protection_protection:plan_end", args=[ref.pk])).status_code in (
        403,
        404,
    )
    assert _views(ref).count() == before


def test_the_case_page_still_writes_exactly_one_view_event(signed_in) -> None:
    """R27: the case page's read is audited once, by `referral_case`, not again by the getter."""
    ref, _objects = _open_case()
    client = signed_in(Role.SOCIAL_WORKER)
    before = _views(ref).count()
    assert client.get(reverse("child_protection:case", args=[ref.pk])).status_code == 200
    assert _views(ref).count() - before == 1
    assert _views(ref).latest("seq").section == "case"
