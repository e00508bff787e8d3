"""The partnership's taxonomy of learning themes (ADR 0008 §7; issue 10, item 4).

Only the partnership's managers edit it. Names are unique whatever their case ("Hidden adults"
and "hidden adults" would split the counts). A theme is retired, never deleted, so the reviews,
findings and audits that carry it keep it; a retired theme is simply not offered for new records.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from safehub.access.capabilities import require
from safehub.accounts.constants import Capability
from safehub.audit.constants import Verb
from safehub.audit.services import record_event

from ..models import Theme

SECTION = "learning_theme"
NAME_MAX = 100


def _clean(name: str, description: str, *, theme: Theme | None = None) -> tuple[str, str]:
    name = " ".join((name or "").split())
    description = (description or "").strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["Enter a name for the theme"]
    elif len(name) > NAME_MAX:
        errors["name"] = [f"The name must be {NAME_MAX} characters or fewer"]
    else:
        clash = Theme.objects.filter(name__iexact=name)
        if theme is not None:
            clash = clash.exclude(pk=theme.pk)
        existing = clash.first()
        if existing is not None:
            retired = "" if existing.active else " (retired)"
            errors["name"] = [f"There is already a theme called \u201c{existing.name}\u201d{retired}"]
    if errors:
        raise ValidationError(errors)
    return name, description


def _save(theme: Theme) -> None:
    """Save, turning a duplicate written by someone else at the same moment into the field error."""
    theme.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            theme.save()
    except IntegrityError:
        raise ValidationError(
            {"name": [f"There is already a theme called \u201c{theme.name}\u201d"]}
        ) from None


def theme_add(*, actor: Any, name: str, description: str = "") -> Theme:
    require(actor, Capability.MANAGE_LEARNING)
    name, description = _clean(name, description)
    with transaction.atomic():
        theme = Theme(name=name, description=description)
        _save(theme)
        record_event(actor=actor, verb=Verb.CREATE, target=theme, section=SECTION)
    return theme


def theme_update(*, actor: Any, theme: Theme, name: str, description: str) -> Theme:
    """Rename or redescribe a theme; every record that carries it shows the new name."""
    require(actor, Capability.MANAGE_LEARNING)
    name, description = _clean(name, description, theme=theme)
    with transaction.atomic():
        theme.name = name
        theme.description = description
        _save(theme)
        record_event(actor=actor, verb=Verb.UPDATE, target=theme, section=SECTION)
    return theme


def theme_retire(*, actor: Any, theme: Theme) -> Theme:
    """Stop offering a theme for new records; the records that carry it keep it. Retiring a retired
    theme changes nothing."""
    require(actor, Capability.MANAGE_LEARNING)
    if not theme.active:
        return theme
    with transaction.atomic():
        theme.active = False
        theme.full_clean(validate_unique=False)
        theme.save(update_fields=["active", "updated_at"])
        record_event(actor=actor, verb=Verb.UPDATE, target=theme, section=SECTION, reason="retire")
    return theme
