"""Letter templates and the letters made from them (issue 5; R40, R44).

A manager keeps the templates (`letter_template_save`, MANAGE_CASE_SETTINGS, versioned, R49); a
template that names anything outside `documents.letters.PLACEHOLDERS` is refused when it is saved,
with the unknown names listed. A worker makes a letter for a child (`letter_generate`): the
placeholders are filled, the text is rendered as escaped HTML and then as a PDF by the locked-down
renderer, and the PDF is stored on the child's record as a document.
"""

import unicodedata
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.dateformat import format as date_format

from safehub.accounts.constants import Capability
from safehub.accounts.models import TeamMembership
from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.people.models import Person
from safehub.platform import clock
from safehub.platform.errors import PermissionRefused
from safehub.platform.locking import save_versioned
from safehub.platform.pdf import render_pdf

from ..constants import DocumentSource, DocumentStatus
from ..documents import letters, storage
from ..documents.inspect import clean_name
from ..models import Document, Involvement, LetterTemplate
from .documents import check_may_record

DATE_FORMAT = "j F Y"  # 3 February 2014


def letter_template_save(
    *,
    actor: Any,
    template: LetterTemplate | None = None,
    expected_version: int | None = None,
    name: str,
    body: str,
    description: str = "",
    active: bool = True,
) -> LetterTemplate:
    """Create a template, or change one (`template` and the `expected_version` the manager read)."""
    if not actor.has_capability(Capability.MANAGE_CASE_SETTINGS):
        raise PermissionRefused("Only a team manager can change letter templates.")
    name = " ".join((name or "").split())
    description = " ".join((description or "").split())
    body = (body or "").replace("\r\n", "\n").strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["Enter a name for the letter template"]
    elif (
        LetterTemplate.objects.filter(name__iexact=name)
        .exclude(pk__in=[template.pk] if template is not None else [])
        .exists()
    ):
        errors["name"] = ["There is already a letter template with this name"]
    if not body:
        errors["body"] = ["Enter the text of the letter"]
    elif found := letters.problems(body):
        errors["body"] = found
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        if template is None:
            template = LetterTemplate(
                name=name, description=description, body=body, active=active, updated_by=actor
            )
            template.full_clean()
            template.save()
            verb = Verb.CREATE
        else:
            if expected_version is None:
                raise ValueError("Changing a letter template needs the version the manager read.")
            template.name, template.description, template.body, template.active = (
                name,
                description,
                body,
                active,
            )
            save_versioned(template, expected_version=expected_version, actor=actor)
            verb = Verb.UPDATE
        record_event(actor=actor, verb=verb, target=template, section="letter_template")
    return template


def _team_name(actor: Any, involvement: Involvement | None) -> str:
    if involvement is not None and involvement.team_id is not None:
        return str(involvement.team.name)  # type: ignore[union-attr]
    membership = (
        TeamMembership.objects.filter(user=actor).select_related("team").order_by("joined_on").first()
    )
    return membership.team.name if membership else ""


def _plain(text: str, limit: int = 200) -> str:
    """A typed value for a letter: one line, no control characters."""
    kept = "".join(ch for ch in text or "" if unicodedata.category(ch) not in {"Cc", "Cf"})
    return " ".join(kept.split())[:limit]


def letter_values(
    *, actor: Any, person: Person, involvement: Involvement | None, parent_name: str = ""
) -> dict[str, str]:
    """What each placeholder stands for in a letter about `person` from `actor`."""
    return {
        "child_name": f"{person.given_name} {person.family_name}",
        "child_first_name": person.preferred_name or person.given_name,
        "child_dob": date_format(person.date_of_birth, DATE_FORMAT) if person.date_of_birth else "",
        "worker_name": str(getattr(actor, "full_name", "") or getattr(actor, "email", "")),
        "team_name": _team_name(actor, involvement),
        "today": date_format(clock.today(), DATE_FORMAT),
        "council_name": str(getattr(settings, "SAFEHUB_COUNCIL_NAME", "")),
        "parent_name": _plain(parent_name),
    }


def letter_html(
    *,
    actor: Any,
    person: Person,
    involvement: Involvement | None,
    template: LetterTemplate,
    parent_name: str = "",
) -> str:
    """The letter as escaped HTML (R40): what `letter_generate` turns into a PDF."""
    if found := letters.problems(template.body):
        raise ValidationError({"template": found})
    values = letter_values(actor=actor, person=person, involvement=involvement, parent_name=parent_name)
    return letters.letter_html(
        title=template.name, text=letters.fill(template.body, values), council_name=values["council_name"]
    )


def letter_generate(
    *,
    actor: Any,
    person: Person,
    involvement: Involvement | None,
    template: LetterTemplate,
    parent_name: str = "",
) -> Document:
    """Make the letter as a PDF and put it on the child's record."""
    check_may_record(actor, person, involvement)
    errors: dict[str, list[str]] = {}
    if not template.active:
        errors["template"] = ["This letter template is no longer in use. Choose another"]
    if len(parent_name or "") > 200:
        errors["parent_name"] = ["The name must be 200 characters or fewer"]
    if errors:
        raise ValidationError(errors)
    pdf = render_pdf(
        letter_html(
            actor=actor, person=person, involvement=involvement, template=template, parent_name=parent_name
        )
    )
    storage_name = storage.save(pdf)
    try:
        with transaction.atomic():
            document = Document(
                person=person,
                involvement=involvement,
                title=template.name[:200],
                original_name=clean_name(f"{template.name}.pdf") or "letter.pdf",
                storage_name=storage_name,
                content_type="application/pdf",
                size=len(pdf),
                sha256=storage.sha256(pdf),
                # CLEAN without a virus scan: Safehub made these bytes itself, from a template a manager
                # saved and values it escaped, with a renderer that fetches nothing (R44). Nothing in
                # it came from outside, so there is nothing foreign to scan.
                status=DocumentStatus.CLEAN,
                scan_detail="Made by Safehub from a letter template",
                source=DocumentSource.LETTER,
                template=template,
                uploaded_by=actor,
            )
            document.full_clean()
            document.save()
            record_event(actor=actor, verb=Verb.CREATE, target=document, section="document", reason="letter")
    except BaseException:
        storage.delete(storage_name)
        raise
    return document
