"""The CSP violation report endpoint (R2)."""

import json
import logging

import pytest
from django.test import Client

REPORT = {
    "csp-report": {
        "document-uri": "http://127.0.0.1:8000/people/?q=secret#frag",
        "violated-directive": "script-src-elem",
        "effective-directive": "script-src-elem",
        "blocked-uri": "inline",
        "source-file": "http://127.0.0.1:8000/",
        "line-number": 12,
        "disposition": "enforce",
    }
}


@pytest.fixture
def browser() -> Client:
    # Browsers post reports without a CSRF token; prove the endpoint does not need one.
    return Client(enforce_csrf_checks=True)


@pytest.mark.django_db
def test_report_is_logged_as_structured_warning_and_answered_204(browser, caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="safehub.csp"):
        response = browser.post("/csp-report/", json.dumps(REPORT), content_type="application/csp-report")
    assert response.status_code == 204
    records = [r for r in caplog.records if r.name == "safehub.csp"]
    assert len(records) == 1
    fields = records[0].safehub
    assert fields["event"] == "csp_violation"
    assert fields["violated_directive"] == "script-src-elem"
    assert fields["blocked_uri"] == "inline"
    # The query string and fragment could carry something personal, so they are not logged.
    assert fields["document_uri"] == "http://127.0.0.1:8000/people/"


@pytest.mark.django_db
def test_reporting_api_batches_are_accepted(browser, caplog) -> None:
    batch = [
        {"type": "csp-violation", "body": {"effectiveDirective": "style-src-attr", "blockedURL": "inline"}}
    ]
    with caplog.at_level(logging.WARNING, logger="safehub.csp"):
        response = browser.post("/csp-report/", json.dumps(batch), content_type="application/reports+json")
    assert response.status_code == 204
    [record] = [r for r in caplog.records if r.name == "safehub.csp"]
    assert record.safehub["violated_directive"] == "style-src-attr"


@pytest.mark.django_db
def test_oversized_report_is_refused_unread(browser, caplog) -> None:
    big = json.dumps({"csp-report": {"blocked-uri": "x" * 20_000}})
    with caplog.at_level(logging.WARNING, logger="safehub.csp"):
        response = browser.post("/csp-report/", big, content_type="application/csp-report")
    assert response.status_code == 413
    assert not [r for r in caplog.records if r.name == "safehub.csp"]


@pytest.mark.django_db
def test_malformed_report_is_a_400_and_get_is_refused(browser) -> None:
    assert browser.post("/csp-report/", "{not json", content_type="application/csp-report").status_code == 400
    assert browser.get("/csp-report/").status_code == 405


@pytest.mark.django_db
def test_report_does_not_keep_a_session_alive(signed_in) -> None:
    """Browsers send reports by themselves; that is not the user being active (R14)."""
    import datetime as dt

    import time_machine

    from safehub.accounts.constants import Role

    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False) as traveller:
        client = signed_in(Role.SOCIAL_WORKER)
        client.get("/")
        traveller.shift(dt.timedelta(minutes=20))
        client.post("/csp-report/", json.dumps(REPORT), content_type="application/csp-report")
        traveller.shift(dt.timedelta(minutes=11))
        assert client.get("/")["Location"] == "/accounts/login/?timeout=idle"
