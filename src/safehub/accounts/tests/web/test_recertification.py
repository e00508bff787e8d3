"""R12, T9, R42: the access recertification report and its CSV download."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse

from safehub.accounts.tests.factories import TeamFactory, UserFactory
from safehub.platform import clock
from safehub.platform.web.csv import neutralise, to_csv

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("payload", ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x")'])
def test_formula_cells_are_neutralised(payload):
    """R42: a cell a spreadsheet would run gets a leading apostrophe."""
    assert neutralise(payload) == "'" + payload


def test_ordinary_cells_are_untouched():
    assert neutralise("Jo Bloggs") == "Jo Bloggs"
    assert neutralise(None) == ""
    assert neutralise("a=b") == "a=b"


def test_formula_payload_round_trips_through_csv():
    """R42: read back, the formula is text, not a formula."""
    text = to_csv(["Name"], [["=cmd|' /C calc'!A0"]])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["Name"], ["'=cmd|' /C calc'!A0"]]


def test_report_lists_active_users_and_flags_dormant_ones(admin_client):
    now = clock.now()
    recent = UserFactory(
        full_name="Rae Recent", last_login=now - timedelta(days=3), teams=[TeamFactory(name="Hub")]
    )
    dormant = UserFactory(full_name="Dee Dormant", last_login=now - timedelta(days=91))
    UserFactory(full_name="Ina Inactive", is_active=False)
    response = admin_client.get(reverse("accounts:user_recertification"))
    rows = {r.user.full_name: r for r in response.context["rows"]}
    assert "Ina Inactive" not in rows
    assert rows[recent.full_name].teams == ["Hub"]
    assert not rows[recent.full_name].dormant
    assert rows[dormant.full_name].dormant
    assert response.context["dormant_count"] >= 1


def test_never_used_account_is_dormant_90_days_after_creation(admin_client):
    import time_machine

    with time_machine.travel(clock.now() - timedelta(days=100)):
        old = UserFactory(full_name="Nev Never")
    new = UserFactory(full_name="Nia New")
    rows = {r.user.pk: r for r in admin_client.get(reverse("accounts:user_recertification")).context["rows"]}
    assert rows[old.pk].dormant
    assert not rows[new.pk].dormant


def test_csv_download_is_neutralised_and_audited(admin_client, audit_events):
    """R42, R27: the export is audited with the ids it contained; cells cannot run as formulas."""
    evil = UserFactory(full_name='=HYPERLINK("http://evil.example","Click")', job_title="x")
    response = admin_client.get(reverse("accounts:user_recertification_csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "Name"
    names = [row[0] for row in rows[1:]]
    assert "'" + evil.full_name in names
    assert evil.full_name not in names
    event = audit_events(verb="export", actor=admin_client.user).get()
    assert str(evil.pk) in event.detail["result_ids"]
    assert event.detail["result_count"] == len(rows) - 1
