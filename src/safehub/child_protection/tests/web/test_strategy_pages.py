"""The strategy discussion and section 47 pages (issue 5): attendees as a formset with blank rows
ignored, Working Together's police-and-health rule shown at the attendees, s47 completion."""

from datetime import date

import pytest
import time_machine
from django.db.models import F
from django.urls import reverse

from safehub.accounts.constants import AgencyKind, Role
from safehub.accounts.tests.factories import AgencyFactory
from safehub.child_protection.constants import Section47Outcome, StrategyDecision
from safehub.child_protection.models import Conference, Section47Enquiry, StrategyDiscussion
from safehub.child_protection.tests.services.referral_cases import NOW, child, referral, staff, strategy
from safehub.people.tests.factories import restrict

from .test_assessment_pages import day

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


def url(name: str, obj) -> str:
    return reverse(f"child_protection:{name}", args=[obj.pk])


def _management(total: int = 6) -> dict[str, str]:
    return {"attendee-TOTAL_FORMS": str(total), "attendee-INITIAL_FORMS": "0"}


def _attendee(n: int, name: str, *, agency: str = "", other: str = "", role: str = "") -> dict[str, str]:
    return {
        f"attendee-{n}-name": name,
        f"attendee-{n}-agency": agency,
        f"attendee-{n}-agency_name": other,
        f"attendee-{n}-role": role,
    }


def _discussion(police_id: str, **extra: str) -> dict[str, str]:
    return {
        **day("held_on", date(2026, 10, 12)),
        "decision": StrategyDecision.SECTION_47,
        "rationale": "Synthetic: an unexplained injury.",
        **_management(),
        **_attendee(0, "DC Example", agency=police_id, role="Detective"),
        **_attendee(1, "Nurse Example", agency="other", other="Northshire NHS Trust", role="Named nurse"),
        **_attendee(2, "Sam Sample", agency="other", other="Children's services"),
        **extra,
    }


def test_a_worker_records_a_discussion_that_starts_an_enquiry(signed_in) -> None:
    worker, _manager = staff()
    ref = referral(worker)
    police = AgencyFactory(name="Northshire Police", kind=AgencyKind.POLICE)
    client = signed_in(Role.SOCIAL_WORKER)
    page = client.get(url("strategy_new", ref)).content.decode()
    assert page.count('<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Attendee') == 6
    assert "Northshire Police" in page
    assert "Other (type below)" in page
    response = client.post(url("strategy_new", ref), _discussion(str(police.pk)))
    assert response.status_code == 302, response.content.decode()[:2000]
    discussion = StrategyDiscussion.objects.get(referral=ref)
    # The three filled rows only; the three blank ones are ignored.
    assert sorted(a.name for a in discussion.attendees.all()) == ["DC Example", "Nurse Example", "Sam Sample"]
    police_row = discussion.attendees.get(name="DC Example")
    assert (police_row.agency_id, police_row.agency_name) == (police.pk, "Northshire Police")
    enquiry = Section47Enquiry.objects.get(referral=ref)
    assert enquiry.started_on == date(2026, 10, 12)
    assert "section 47 enquiry has started" in client.get(response["Location"]).content.decode()


def test_a_half_filled_row_is_an_error_at_its_field_and_nothing_is_written(signed_in) -> None:
    worker, _manager = staff()
    ref = referral(worker)
    police = AgencyFactory(name="Northshire Police", kind=AgencyKind.POLICE)
    data = _discussion(str(police.pk), **_attendee(3, "", role="Head teacher"))
    page = signed_in(Role.SOCIAL_WORKER).post(url("strategy_new", ref), data).content.decode()
    assert 'href="#id_attendee-3-name"' in page
    assert 'id="id_attendee-3-name-error"' in page
    assert 'href="#id_attendee-3-agency"' in page
    assert not StrategyDiscussion.objects.exists()


def test_without_the_police_the_service_refuses_at_the_attendees(signed_in) -> None:
    """Working Together: police, health and social care; the service's message shows at the attendees."""
    worker, _manager = staff()
    ref = referral(worker)
    data = {
        **day("held_on", date(2026, 10, 12)),
        "decision": StrategyDecision.SECTION_47,
        "rationale": "Synthetic.",
        **_management(),
        **_attendee(0, "Nurse Example", agency="other", other="Northshire NHS Trust"),
    }
    page = signed_in(Role.SOCIAL_WORKER).post(url("strategy_new", ref), data).content.decode()
    assert 'href="#attendees"' in page
    assert 'id="attendees-error"' in page
    assert "add the police attendee" in page
    assert "Error: Record a strategy discussion" in page
    assert not StrategyDiscussion.objects.exists()


def test_the_discussion_needs_a_date_decision_and_reasons(signed_in) -> None:
    worker, _manager = staff()
    ref = referral(worker)
    page = signed_in(Role.SOCIAL_WORKER).post(url("strategy_new", ref), _management()).content.decode()
    for field in ("held_on", "decision", "rationale"):
        assert f'href="#id_{field}"' in page
    assert not StrategyDiscussion.objects.exists()


def test_the_worker_completes_the_enquiry_and_the_conference_is_due(signed_in) -> None:
    worker, _manager = staff()
    ref = referral(worker)
    enquiry = strategy(worker, ref).section47_enquiry
    client = signed_in(Role.SOCIAL_WORKER)
    page = client.get(url("section47_complete", enquiry)).content.decode()
    assert "2 November 2026" in page  # 15 working days from 12 October
    response = client.post(
        url("section47_complete", enquiry),
        {
            **day("completed_on", date(2026, 10, 20)),
            "outcome": Section47Outcome.CONFERENCE,
            "summary": "Synthetic: concerns substantiated.",
            "version": enquiry.version,
        },
    )
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.outcome == Section47Outcome.CONFERENCE
    assert Conference.objects.filter(referral=ref, section47=enquiry).exists()


def test_a_completion_before_the_start_is_at_the_field(signed_in) -> None:
    worker, _manager = staff()
    enquiry = strategy(worker, referral(worker)).section47_enquiry
    page = (
        signed_in(Role.SOCIAL_WORKER)
        .post(
            url("section47_complete", enquiry),
            {
                **day("completed_on", date(2026, 10, 2)),
                "outcome": Section47Outcome.NOT_SUBSTANTIATED,
                "version": enquiry.version,
            },
        )
        .content.decode()
    )
    assert 'id="id_completed_on-error"' in page
    enquiry.refresh_from_db()
    assert enquiry.completed_on is None


def test_a_stale_completion_is_a_conflict(signed_in) -> None:
    """R49: the enquiry was saved again after the worker opened the form; nothing is overwritten."""
    worker, _manager = staff()
    enquiry = strategy(worker, referral(worker)).section47_enquiry
    stale = enquiry.version
    Section47Enquiry.objects.filter(pk=enquiry.pk).update(
        version=F("version") + 1, summary="Saved meanwhile."
    )
    page = (
        signed_in(Role.SOCIAL_WORKER)
        .post(
            url("section47_complete", enquiry),
            {
                **day("completed_on", date(2026, 10, 21)),
                "outcome": Section47Outcome.CONFERENCE,
                "version": stale,
            },
        )
        .content.decode()
    )
    assert "This enquiry was changed by" in page
    enquiry.refresh_from_db()
    assert (enquiry.completed_on, enquiry.summary) == (None, "Saved meanwhile.")


@pytest.mark.parametrize("role", [Role.IRO, Role.MASH_MANAGER, Role.REFERRER, Role.MASH_PARTNER])
def test_only_caseworkers_record_discussions_and_enquiries(signed_in, role) -> None:
    """R18: record_casework."""
    worker, _manager = staff()
    ref = referral(worker)
    enquiry = strategy(worker, ref).section47_enquiry
    client = signed_in(role)
    assert client.get(url("strategy_new", ref)).status_code == 403
    assert client.get(url("section47_complete", enquiry)).status_code == 403


def test_a_restricted_childs_discussion_and_enquiry_are_404(signed_in) -> None:
    """R19: reached through the referral's policy."""
    worker, _manager = staff()
    person = child()
    ref = referral(worker, person)
    enquiry = strategy(worker, ref).section47_enquiry
    restrict(person)
    client = signed_in(Role.SOCIAL_WORKER)
    assert client.get(url("strategy_new", ref)).status_code == 404
    assert client.get(url("section47_complete", enquiry)).status_code == 404
