"""The document pages over HTTP: downloads (R43), scoping (R19), audit (R27), the chronology export."""

import pytest
from django.urls import reverse

from safehub.accounts.constants import Role
from safehub.audit.models import AuditEvent
from safehub.casework.constants import DocumentStatus
from safehub.casework.models import Document, LetterTemplate
from safehub.casework.tests.factories import CaseNoteFactory, InvolvementFactory, LetterTemplateFactory
from safehub.people.tests.factories import PersonFactory, restrict

from . import samples
from .conftest import upload

pytestmark = pytest.mark.django_db


def url(name: str, *args: object) -> str:
    return reverse(f"casework_documents:{name}", args=args)


@pytest.fixture
def worker_client(signed_in):
    return signed_in(Role.SOCIAL_WORKER)


@pytest.fixture
def child():
    return PersonFactory()


def test_download_is_an_attachment_with_locked_down_headers(worker_client, child, stored_document):
    """R43: attachment, RFC 6266 filename, nosniff, CSP sandbox, no-store; audited as a download."""
    document = stored_document(child, worker_client.user, original_name="Café report.pdf", data=samples.pdf())
    response = worker_client.get(url("download", document.pk))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == samples.pdf()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''Caf%C3%A9%20report.pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"].split("; ")
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]
    assert (
        AuditEvent.objects.filter(object_id=str(document.pk), verb="download", section="document").count()
        == 1
    )


@pytest.mark.parametrize(
    "status", [DocumentStatus.QUARANTINED, DocumentStatus.SCAN_FAILED, DocumentStatus.INFECTED]
)
def test_only_clean_documents_can_be_downloaded(worker_client, child, stored_document, status):
    """R43: quarantined, failed and infected documents are 404, like a document that does not exist."""
    document = stored_document(child, worker_client.user, status=status)
    assert worker_client.get(url("download", document.pk)).status_code == 404


def test_a_restricted_childs_documents_are_404_for_an_ungranted_user(worker_client, child, stored_document):
    """R19: the documents go with the child: list, download, upload, letter and chronology all 404."""
    document = stored_document(child, worker_client.user)
    restrict(child)
    for target in (
        url("list", child.pk),
        url("download", document.pk),
        url("upload", child.pk),
        url("letter_new", child.pk),
        url("chronology_pdf", child.pk),
    ):
        assert worker_client.get(target).status_code == 404, target


def test_there_is_no_public_url_for_stored_files(worker_client, child, stored_document, client):
    """R43: the bytes are reachable only through the authorised view."""
    document = stored_document(child, worker_client.user)
    for path in (
        f"/media/{document.storage_name}",
        f"/var/documents/{document.storage_name}",
        f"/static/{document.storage_name}",
    ):
        assert worker_client.get(path).status_code == 404, path


def test_roles_without_view_cases_are_refused(signed_in, child, stored_document, make_user):
    document = stored_document(child, make_user(Role.SOCIAL_WORKER))
    client = signed_in(Role.EARLY_HELP)
    assert client.get(url("list", child.pk)).status_code == 403
    assert client.get(url("download", document.pk)).status_code == 403


def test_the_list_shows_status_and_links_only_clean_documents(worker_client, child, stored_document):
    """R27: one view event naming the child, with the document ids shown."""
    clean = stored_document(child, worker_client.user, title="Clean report")
    waiting = stored_document(
        child, worker_client.user, title="Waiting report", status=DocumentStatus.SCAN_FAILED
    )
    stored_document(PersonFactory(), worker_client.user, title="Someone else's")
    response = worker_client.get(url("list", child.pk))
    page = response.content.decode()
    assert response.status_code == 200
    assert url("download", clean.pk) in page
    assert url("download", waiting.pk) not in page
    assert "Waiting: the virus scan could not run" in page
    assert "Available" in page
    assert "Someone else" not in page
    (event,) = AuditEvent.objects.filter(object_id=str(child.pk), verb="view")
    assert event.section == "documents"
    assert sorted(event.detail["result_ids"]) == sorted([str(clean.pk), str(waiting.pk)])


def test_upload_through_the_page(worker_client, child, django_capture_on_commit_callbacks):
    involvement = InvolvementFactory(person=child)
    page = worker_client.get(url("upload", child.pk) + f"?involvement={involvement.pk}")
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = worker_client.post(
            url("upload", child.pk) + f"?involvement={involvement.pk}",
            {
                "title": "Health visitor letter",
                "file": upload("letter.pdf", samples.pdf()),
                "involvement": str(involvement.pk),
            },
        )
    assert response.status_code == 302
    assert response["Location"] == url("list", child.pk)
    document = Document.objects.get()
    assert document.involvement == involvement
    assert document.status == DocumentStatus.QUARANTINED
    listing = worker_client.get(url("list", child.pk)).content.decode()
    assert "Waiting for a virus scan" in listing
    assert url("download", document.pk) not in listing


def test_a_refused_upload_shows_the_error_at_the_file_field(worker_client, child):
    response = worker_client.post(
        url("upload", child.pk), {"title": "Invoice", "file": upload("invoice.pdf", samples.HTML_PAGE)}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_file"' in page
    assert 'id="id_file-error"' in page
    assert "not really a PDF file" in page
    assert not Document.objects.exists()


def test_an_empty_upload_gets_the_services_message(worker_client, child):
    response = worker_client.post(url("upload", child.pk), {"title": "Empty", "file": upload("e.pdf", b"")})
    assert "The selected file is empty" in response.content.decode()


def test_a_letter_through_the_page(worker_client, child):
    template = LetterTemplateFactory(name="Meeting invitation")
    LetterTemplateFactory(name="Retired letter", active=False)
    page = worker_client.get(url("letter_new", child.pk)).content.decode()
    assert "Meeting invitation" in page
    assert "Retired letter" not in page
    response = worker_client.post(
        url("letter_new", child.pk), {"template": str(template.pk), "parent_name": "Pat"}
    )
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.status == DocumentStatus.CLEAN
    download = worker_client.get(url("download", document.pk))
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_letter_templates_are_for_managers(signed_in):
    assert signed_in(Role.SOCIAL_WORKER).get(url("templates")).status_code == 403


def test_a_manager_adds_and_changes_a_template(signed_in):
    client = signed_in(Role.TEAM_MANAGER)
    assert client.get(url("templates")).status_code == 200
    assert client.get(url("template_new")).status_code == 200
    refused = client.post(
        url("template_new"), {"name": "Visit", "body": "Dear $parent, about $child_name", "active": "on"}
    )
    assert refused.status_code == 200
    assert "unknown placeholder $parent." in refused.content.decode()
    assert (
        client.post(
            url("template_new"), {"name": "Visit", "body": "Dear $parent_name", "active": "on"}
        ).status_code
        == 302
    )
    template = LetterTemplate.objects.get()
    assert client.get(url("template_edit", template.pk)).status_code == 200
    changed = client.post(
        url("template_edit", template.pk), {"name": "Visit", "body": "Hello $parent_name", "version": "1"}
    )
    assert changed.status_code == 302
    template.refresh_from_db()
    assert template.body == "Hello $parent_name"
    assert template.version == 2
    assert not template.active


def test_a_stale_template_edit_shows_who_changed_it(signed_in):
    """R49."""
    client = signed_in(Role.TEAM_MANAGER)
    template = LetterTemplateFactory(body="Hello", version=3)
    response = client.post(
        url("template_edit", template.pk), {"name": template.name, "body": "Hi", "version": "2"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "after you opened it" in page
    assert 'name="version" value="3"' in page


def test_the_chronology_pdf_is_a_pdf_attachment_and_audited(worker_client, child):
    """R27: exported as an audited EXPORT (section chronology), with one view event; no-store."""
    response = worker_client.get(url("chronology_pdf", child.pk))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="chronology-')
    assert "no-store" in response["Cache-Control"]
    export = AuditEvent.objects.get(object_id=str(child.pk), verb="export")
    assert export.section == "chronology"
    assert AuditEvent.objects.filter(object_id=str(child.pk), verb="view", section="chronology").count() == 1


def test_the_chronology_html_escapes_entries(worker_client, monkeypatch):
    """R40: entries from any source are text in the export."""
    from safehub.casework.selectors import documents as selectors

    seen: list[str] = []
    monkeypatch.setattr(selectors, "render_pdf", lambda html: seen.append(html) or b"%PDF-1.7\n%%EOF")
    child = PersonFactory(given_name="<script>x</script>")
    CaseNoteFactory(person=child, significant=True, subject="<i>Home visit</i>", author=worker_client.user)
    assert worker_client.get(url("chronology_pdf", child.pk)).status_code == 200
    assert "&lt;script&gt;x&lt;/script&gt;" in seen[0]
    assert "<script>" not in seen[0]
    assert "&lt;i&gt;Home visit&lt;/i&gt;" in seen[0]  # an entry from the casework source, escaped


def test_the_case_page_panel(worker_client, child, stored_document):
    """The partial other pages include: links only for clean documents, actions only for recorders."""
    from django.template.loader import render_to_string

    from safehub.casework.selectors.documents import documents_for

    involvement = InvolvementFactory(person=child)
    clean = stored_document(child, worker_client.user, title="Clean one", involvement=involvement)
    waiting = stored_document(
        child, worker_client.user, title="Waiting one", status=DocumentStatus.QUARANTINED
    )
    documents = documents_for(actor=worker_client.user, person=child)
    html = render_to_string(
        "casework/documents/_panel.html",
        {"documents": documents, "person": child, "involvement": involvement, "can_record": True},
    )
    assert url("download", clean.pk) in html
    assert url("download", waiting.pk) not in html
    assert f"?involvement={involvement.pk}" in html
    assert documents_for(actor=worker_client.user, person=child, involvement=involvement) == [clean]
    read_only = render_to_string(
        "casework/documents/_panel.html",
        {"documents": documents, "person": child, "involvement": None, "can_record": False},
    )
    assert url("upload", child.pk) not in read_only
