"""The alerts inbox: own alerts and the MASH queue, acknowledgement, and what a recipient may see."""

import pytest
from django.urls import reverse

from safehub.accounts.constants import Role
from safehub.accounts.models import TeamMembership
from safehub.audit.models import AuditEvent
from safehub.people.constants import RelationshipKind as K
from safehub.people.models import AlertRecipient, FlaggedAdultAlert
from safehub.people.services import alert_acknowledge, relationship_add
from safehub.people.tests.factories import restrict
from safehub.platform.errors import NotFoundOrForbidden

pytestmark = pytest.mark.django_db


@pytest.fixture
def alert(editor, adult, child, flag, mash_team, allocated, make_user):
    worker = make_user(Role.SOCIAL_WORKER)
    allocated[child.pk] = [worker]
    flag(adult)
    relationship_add(actor=editor, person_a=adult, person_b=child, kind=K.PARENT)
    alert = FlaggedAdultAlert.objects.get()
    alert.worker = worker
    return alert


def team_row(alert):
    return AlertRecipient.objects.get(alert=alert, team__isnull=False)


def worker_row(alert):
    return AlertRecipient.objects.get(alert=alert, user__isnull=False)


def test_the_allocated_worker_sees_their_alert_in_the_inbox(client, alert):
    client.force_login(alert.worker)
    response = client.get(reverse("people:alerts"))
    html = response.content.decode()
    assert response.status_code == 200
    assert alert.reason in html
    assert html.count("data-recipient=") == 1
    assert AuditEvent.objects.filter(verb="list", object_type="people.alertrecipient").exists()


def test_a_mash_team_member_sees_the_team_queue(client, alert, mash_worker):
    client.force_login(mash_worker)
    html = client.get(reverse("people:alerts")).content.decode()
    assert f'data-recipient="{team_row(alert).pk}"' in html
    assert "Front Door MASH queue" in html


def test_someone_else_sees_nothing_and_gets_404_on_the_alert(client, alert, make_user):
    client.force_login(make_user(Role.SOCIAL_WORKER))
    assert "data-recipient=" not in client.get(reverse("people:alerts")).content.decode()
    for row in AlertRecipient.objects.all():
        assert client.get(reverse("people:alert_detail", args=[row.pk])).status_code == 404


def test_a_user_without_people_access_is_refused(client, alert, make_user, mash_team):
    partner = make_user(Role.MASH_PARTNER)
    TeamMembership.objects.create(team=mash_team, user=partner)
    client.force_login(partner)
    assert client.get(reverse("people:alerts")).status_code == 403
    assert client.get(reverse("people:alert_detail", args=[team_row(alert).pk])).status_code == 403


def test_opening_an_alert_shows_the_people_and_marks_it_read(client, alert, adult, child):
    client.force_login(alert.worker)
    row = worker_row(alert)
    html = client.get(reverse("people:alert_detail", args=[row.pk])).content.decode()
    assert "Zebedee Quartermain" in html
    assert "Clementine Smallwood" in html
    row.refresh_from_db()
    assert row.read_at is not None
    assert AuditEvent.objects.filter(verb="view", object_type="people.flaggedadultalert").exists()


def test_a_recipient_who_may_not_see_the_adult_reads_the_reason_without_identifying_details(
    client, alert, adult, child
):
    restrict(adult)
    client.force_login(alert.worker)
    html = client.get(reverse("people:alert_detail", args=[worker_row(alert).pk])).content.decode()
    assert alert.reason in html
    assert "Zebedee" not in html
    assert "Quartermain" not in html
    assert str(adult.pk) not in html
    assert "You cannot see this adult" in html
    assert "Clementine Smallwood" in html


def test_a_child_the_recipient_may_not_see_is_left_out_without_a_count(client, alert, child):
    restrict(child)
    client.force_login(alert.worker)
    html = client.get(reverse("people:alert_detail", args=[worker_row(alert).pk])).content.decode()
    assert "Clementine" not in html
    assert str(child.pk) not in html
    assert "You cannot see the children" in html


def test_acknowledging_with_a_note(client, alert):
    client.force_login(alert.worker)
    row = worker_row(alert)
    url = reverse("people:alert_acknowledge", args=[row.pk])
    response = client.post(url, {"note": "Checked the plan; the child's worker is visiting today."})
    assert response.status_code == 302
    assert response.url == reverse("people:alerts")
    row.refresh_from_db()
    assert (row.acknowledged_by, row.acknowledgement_note) == (
        alert.worker,
        "Checked the plan; the child's worker is visiting today.",
    )
    event = AuditEvent.objects.get(object_type="people.alertrecipient", verb="update")
    assert (event.object_id, event.section) == (str(row.pk), "acknowledgement")
    html = client.get(reverse("people:alerts"), {"show": "acknowledged"}).content.decode()
    assert f'data-recipient="{row.pk}"' in html


def test_acknowledging_without_a_note_is_refused_at_the_field(client, alert):
    client.force_login(alert.worker)
    row = worker_row(alert)
    response = client.post(reverse("people:alert_acknowledge", args=[row.pk]), {"note": "  "})
    assert response.status_code == 400
    assert "Enter what you have done or decided about this alert" in response.content.decode()
    row.refresh_from_db()
    assert row.acknowledged_at is None


def test_a_team_member_acknowledges_for_the_team(alert, mash_worker):
    row = alert_acknowledge(actor=mash_worker, recipient=team_row(alert), note="Triage: no further action.")
    assert row.acknowledged_by == mash_worker


def test_an_alert_is_acknowledged_once(alert):
    row = worker_row(alert)
    alert_acknowledge(actor=alert.worker, recipient=row, note="Seen.")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        alert_acknowledge(actor=alert.worker, recipient=row, note="Again.")


def test_a_non_recipient_cannot_acknowledge(alert, make_user):
    with pytest.raises(NotFoundOrForbidden):
        alert_acknowledge(actor=make_user(Role.SOCIAL_WORKER), recipient=worker_row(alert), note="Not mine.")
