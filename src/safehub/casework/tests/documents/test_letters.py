"""Letter templates and letters (R40: values escaped; placeholders from a fixed list; R49)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from safehub.accounts.constants import Role
from safehub.audit.models import AuditEvent
from safehub.casework.constants import DocumentSource, DocumentStatus
from safehub.casework.documents import letters, storage
from safehub.casework.services import letters as service
from safehub.casework.services.letters import letter_generate, letter_html, letter_template_save
from safehub.casework.tests.factories import InvolvementFactory, LetterTemplateFactory, team_with
from safehub.people.tests.factories import PersonFactory, restrict
from safehub.platform.errors import ConflictError, NotFoundOrForbidden, PermissionRefused

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(make_user):
    return make_user(Role.TEAM_MANAGER)


@pytest.fixture
def worker(make_user):
    return make_user(Role.SOCIAL_WORKER, full_name="Sam Worker")


def test_every_placeholder_is_filled(worker, settings):
    settings.SAFEHUB_COUNCIL_NAME = "Synthetic Borough Council"
    team, (_member,) = team_with(Role.SOCIAL_WORKER)
    child = PersonFactory(
        given_name="Ada",
        family_name="Example",
        preferred_name="Addy",
        date_of_birth=datetime.date(2014, 2, 3),
    )
    involvement = InvolvementFactory(person=child, team=team)
    body = " | ".join(f"${name}" for name in letters.PLACEHOLDERS)
    template = LetterTemplateFactory(body=body)
    html = letter_html(
        actor=worker, person=child, involvement=involvement, template=template, parent_name="Pat Parent"
    )
    for value in (
        "Ada Example",
        "Addy",
        "3 February 2014",
        "Sam Worker",
        team.name,
        "Synthetic Borough Council",
        "Pat Parent",
    ):
        assert value in html
    assert "$" not in html


def test_values_are_escaped_in_the_letter_html(worker):
    """R40: a child's name holding markup is printed as text, never run."""
    child = PersonFactory(given_name="<script>alert(1)</script>", family_name="O'Brien & Co")
    template = LetterTemplateFactory(body="Dear $parent_name,\n\nAbout $child_name.")
    html = letter_html(
        actor=worker,
        person=child,
        involvement=None,
        template=template,
        parent_name='<img src=x onerror="alert(2)">',
    )
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img" not in html
    assert "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in html
    assert "O&#x27;Brien &amp; Co" in html


def test_a_letter_is_stored_as_a_clean_pdf_on_the_childs_record(worker, document_root):
    child = PersonFactory()
    involvement = InvolvementFactory(person=child)
    template = LetterTemplateFactory(name="Invitation to a meeting")
    document = letter_generate(
        actor=worker, person=child, involvement=involvement, template=template, parent_name="Pat"
    )
    assert document.status == DocumentStatus.CLEAN
    assert document.source == DocumentSource.LETTER
    assert document.template == template
    assert document.involvement == involvement
    assert document.original_name == "Invitation to a meeting.pdf"
    data = (document_root / document.storage_name).read_bytes()
    assert data.startswith(b"%PDF-")
    assert document.sha256 == storage.sha256(data)
    event = AuditEvent.objects.get(object_id=str(document.pk), verb="create")
    assert event.reason == "letter"
    assert "Pat" not in str(event.detail)


def test_the_letter_pdf_is_rendered_from_the_escaped_html(worker, monkeypatch):
    seen: list[str] = []
    monkeypatch.setattr(service, "render_pdf", lambda html: seen.append(html) or b"%PDF-1.7\n%%EOF")
    child = PersonFactory(given_name="<b>Bold</b>")
    letter_generate(actor=worker, person=child, involvement=None, template=LetterTemplateFactory())
    assert "&lt;b&gt;Bold&lt;/b&gt;" in seen[0]
    assert "<b>" not in seen[0]


def test_a_restricted_child_cannot_get_a_letter(worker):
    child = PersonFactory()
    restrict(child)
    with pytest.raises(NotFoundOrForbidden):
        letter_generate(actor=worker, person=child, involvement=None, template=LetterTemplateFactory())


def test_an_inactive_template_is_refused(worker):
    template = LetterTemplateFactory(active=False)
    with pytest.raises(ValidationError) as caught:
        letter_generate(actor=worker, person=PersonFactory(), involvement=None, template=template)
    assert list(caught.value.message_dict) == ["template"]


def test_a_template_with_unknown_placeholders_is_refused_when_saved(manager):
    """A misspelt placeholder would reach a family as `$chld_name`: refused, with the names listed."""
    with pytest.raises(ValidationError) as caught:
        letter_template_save(
            actor=manager, name="Visit", body="Dear $parent_name, $chld_name and ${address}."
        )
    (message,) = caught.value.message_dict["body"]
    assert message.startswith("The letter uses the unknown placeholders $chld_name, $address.")
    assert "$child_name" in message


def test_a_stray_dollar_sign_is_refused(manager):
    with pytest.raises(ValidationError) as caught:
        letter_template_save(actor=manager, name="Costs", body="It costs $5.")
    assert "write $$" in caught.value.message_dict["body"][0]
    saved = letter_template_save(actor=manager, name="Costs", body="It costs $$5.")
    assert letters.fill(saved.body, {}) == "It costs $5."


def test_saving_needs_manage_case_settings(worker):
    with pytest.raises(PermissionRefused):
        letter_template_save(actor=worker, name="Visit", body="Dear $parent_name")


def test_names_are_unique(manager):
    letter_template_save(actor=manager, name="Visit", body="Hello")
    with pytest.raises(ValidationError) as caught:
        letter_template_save(actor=manager, name="visit", body="Hello")
    assert caught.value.message_dict == {"name": ["There is already a letter template with this name"]}


def test_changes_are_versioned_and_audited(manager, make_user):
    """R49: a manager saving over someone else's change gets a conflict, not a lost update."""
    template = letter_template_save(actor=manager, name="Visit", body="Hello $child_name")
    assert AuditEvent.objects.filter(
        object_id=str(template.pk), verb="create", section="letter_template"
    ).exists()
    other = make_user(Role.TEAM_MANAGER)
    letter_template_save(
        actor=other, template=template, expected_version=1, name="Visit", body="Hi $child_name"
    )
    stale = type(template).objects.get(pk=template.pk)
    with pytest.raises(ConflictError):
        letter_template_save(actor=manager, template=stale, expected_version=1, name="Visit", body="Hey")
    stale.refresh_from_db()
    assert stale.version == 2
    assert stale.body == "Hi $child_name"
