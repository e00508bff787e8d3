"""The audit chain check page for information governance (R29)."""

import uuid

import pytest
from django.urls import reverse

from safehub.accounts.constants import Role
from safehub.audit.chain import ChainReport
from safehub.audit.constants import Verb
from safehub.audit.services import record_event

pytestmark = pytest.mark.django_db
URL = reverse("audit:chain_status")


def test_an_intact_chain_says_so_with_the_count(signed_in) -> None:
    client = signed_in(Role.IG_OFFICER)
    for _ in range(3):
        record_event(actor=client.user, verb=Verb.VIEW, object_type="x.y", object_id=uuid.uuid4())
    html = client.get(URL).content.decode()
    assert "The audit trail is intact" in html
    assert "3 events checked" in html


def test_a_broken_chain_names_the_first_broken_link(signed_in, monkeypatch) -> None:
    client = signed_in(Role.IG_OFFICER)
    broken = ChainReport(checked=6, first_broken_seq=7, problem="row #7 was altered after it was written")
    monkeypatch.setattr("safehub.audit.web.views.verify_audit_chain", lambda: broken)
    html = client.get(URL).content.decode()
    assert "The audit trail has been altered" in html
    assert "event #7: row #7 was altered after it was written" in html
    assert "intact" not in html
