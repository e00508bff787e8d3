"""The theme taxonomy: the partnership's to edit; names unique whatever their case; retired, never
deleted (ADR 0008 §7; issue 10, item 4)."""

import pytest
from django.core.exceptions import ValidationError

from safehub.audit.models import AuditEvent
from safehub.platform.errors import PermissionRefused

from ...models import Theme
from ...services.themes import theme_add, theme_retire, theme_update
from .. import factories as f

pytestmark = pytest.mark.django_db


def test_the_partnership_adds_a_theme() -> None:
    manager = f.partnership_manager()
    theme = theme_add(actor=manager, name="  Professional   curiosity ", description=" Asking why. ")
    assert (theme.name, theme.description, theme.active) == ("Professional curiosity", "Asking why.", True)
    event = AuditEvent.objects.get(object_id=str(theme.pk))
    assert (event.verb, event.section) == ("create", "learning_theme")


def test_a_theme_name_is_unique_whatever_its_case() -> None:
    manager = f.partnership_manager()
    theme_add(actor=manager, name="Private fostering")
    with pytest.raises(ValidationError) as excinfo:
        theme_add(actor=manager, name="PRIVATE FOSTERING")
    assert excinfo.value.message_dict["name"] == [
        "There is already a theme called \u201cPrivate fostering\u201d"
    ]


def test_a_theme_needs_a_name() -> None:
    with pytest.raises(ValidationError) as excinfo:
        theme_add(actor=f.partnership_manager(), name=" ")
    assert excinfo.value.message_dict["name"] == ["Enter a name for the theme"]


def test_a_theme_is_renamed_but_not_onto_another() -> None:
    manager = f.partnership_manager()
    theme = theme_add(actor=manager, name="Neglect in older children")
    other = theme_add(actor=manager, name="Fathers and male carers")
    theme_update(actor=manager, theme=theme, name="neglect In Older Children", description="Seeing it early.")
    theme.refresh_from_db()
    assert (theme.name, theme.description) == ("neglect In Older Children", "Seeing it early.")
    with pytest.raises(ValidationError) as excinfo:
        theme_update(actor=manager, theme=other, name="Neglect in older children", description="")
    assert "name" in excinfo.value.message_dict
    assert AuditEvent.objects.filter(object_id=str(theme.pk), verb="update").count() == 1


def test_a_retired_theme_stays_on_the_records_that_carry_it() -> None:
    manager = f.partnership_manager()
    theme = theme_add(actor=manager, name="Elective home education")
    review = f.review()
    review.themes.add(theme)
    theme_retire(actor=manager, theme=theme)
    theme_retire(actor=manager, theme=theme)  # again: nothing changes
    theme.refresh_from_db()
    assert theme.active is False
    assert list(review.themes.all()) == [theme]
    assert AuditEvent.objects.filter(object_id=str(theme.pk), reason="retire").count() == 1
    with pytest.raises(ValidationError) as excinfo:
        theme_add(actor=manager, name="Elective home education")
    assert excinfo.value.message_dict["name"] == [
        "There is already a theme called \u201cElective home education\u201d (retired)"
    ]


def test_only_the_partnerships_managers_edit_themes() -> None:
    """R18: a partner's safeguarding lead and a team manager use themes but do not change them."""
    theme = f.theme()
    for actor in (f.learning_partner(), f.team_manager()):
        with pytest.raises(PermissionRefused):
            theme_add(actor=actor, name="Anything")
        with pytest.raises(PermissionRefused):
            theme_update(actor=actor, theme=theme, name="Renamed", description="")
        with pytest.raises(PermissionRefused):
            theme_retire(actor=actor, theme=theme)
    theme.refresh_from_db()
    assert theme.active
    assert not Theme.objects.filter(name="Anything").exists()
