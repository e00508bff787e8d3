"""The theme taxonomy pages and the themes-across-reviews view (issue 10, item 4)."""

from typing import Any

import pytest
from django.urls import reverse

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import UserFactory
from safehub.audit.models import AuditEvent

from ...models import Theme
from .. import factories as f
from ..test_report_selectors import CHILD_NAME, board_world

pytestmark = pytest.mark.django_db

THEMES = reverse("learning_reports:themes")
MANAGE = reverse("learning_reports:theme_manage")
NEW = reverse("learning_reports:theme_new")


def edit_url(theme: Theme) -> str:
    return reverse("learning_reports:theme_edit", args=[theme.pk])


def retire_url(theme: Theme) -> str:
    return reverse("learning_reports:theme_retire", args=[theme.pk])


def detail_url(theme: Theme) -> str:
    return reverse("learning_reports:theme_detail", args=[theme.pk])


def analyst() -> Any:
    return UserFactory(role=Role.PERFORMANCE_ANALYST)


# --- themes across reviews ----------------------------------------------------------------------


def test_themes_view_marks_recurring_themes_and_links_each_count(login: Any) -> None:
    world = board_world()
    html = login(world.manager).get(THEMES).content.decode()
    hidden = world.themes["hidden"]
    row = html.split(f'data-theme="{hidden.name}"')[1].split("</tr>")[0]
    assert "Recurring" in row
    assert f'href="{detail_url(hidden)}?year=2026">3 reviews<br>0 findings<br>0 audit findings</a>' in row
    assert f'href="{detail_url(hidden)}?year=2025">1 review<br>1 finding<br>0 audit findings</a>' in row
    assert f'href="{detail_url(hidden)}">4 reviews<br>1 finding<br>0 audit findings</a>' in row
    info_row = html.split(f'data-theme="{world.themes["info"].name}"')[1].split("</tr>")[0]
    assert "Recurring" not in info_row
    # Most recurring first.
    assert html.index(f'data-theme="{hidden.name}"') < html.index(f'data-theme="{world.themes["info"].name}"')
    assert f'href="{MANAGE}"' in html


def test_analyst_reads_the_themes_and_a_themes_reviews_by_label_only(login: Any) -> None:
    """R22: labels and counts only, never a child's name."""
    world = board_world()
    client = login(analyst())
    html = client.get(THEMES).content.decode()
    assert "Hidden and unseen adults" in html
    assert f'href="{MANAGE}"' not in html  # the analyst cannot manage the themes
    response = client.get(detail_url(world.themes["hidden"]), {"year": "2026"})
    assert response.status_code == 200
    page = response.content.decode()
    assert all(label in page for label in ("Child A", "Child B", "Child D"))
    assert "Child C" not in page  # its review started in 2025
    for name in CHILD_NAME:
        assert name not in page
    neglect = client.get(detail_url(world.themes["neglect"])).content.decode()
    assert "Neglect audit, winter 2026" in neglect


def test_an_unknown_theme_is_not_found(login: Any) -> None:
    client = login(analyst())
    assert (
        client.get(reverse("learning_reports:theme_detail", args=[f.partnership_manager().pk])).status_code
        == 404
    )


def test_learning_partner_may_not_read_the_themes_view(login: Any) -> None:
    """R18: a partner agency's lead contributes to reviews; the cross-review view is not theirs."""
    assert login(f.learning_partner()).get(THEMES).status_code == 403


# --- managing the taxonomy ----------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.PERFORMANCE_ANALYST, Role.LEARNING_PARTNER, Role.TEAM_MANAGER])
def test_only_the_partnership_managers_manage_themes(login: Any, role: str) -> None:
    """R18: the management pages need manage_learning; other roles are refused (403), including
    the analyst who reads the themes view."""
    theme = f.theme()
    client = login(UserFactory(role=role))
    for url in (MANAGE, NEW, edit_url(theme), retire_url(theme)):
        assert client.get(url).status_code == 403
    assert client.post(NEW, {"name": "Sneaky theme"}).status_code == 403
    assert client.post(retire_url(theme)).status_code == 403
    assert not Theme.objects.filter(name="Sneaky theme").exists()
    assert Theme.objects.get(pk=theme.pk).active


def test_add_a_theme_and_see_it_listed(login: Any) -> None:
    manager = f.partnership_manager()
    client = login(manager)
    assert client.get(NEW).status_code == 200
    response = client.post(
        NEW, {"name": "  Professional   curiosity ", "description": "Asking, not assuming."}
    )
    assert response.status_code == 302
    assert response["Location"] == MANAGE
    theme = Theme.objects.get(name="Professional curiosity")
    assert (theme.description, theme.active) == ("Asking, not assuming.", True)
    assert AuditEvent.objects.filter(verb="create", object_id=str(theme.pk)).exists()
    page = client.get(MANAGE).content.decode()
    active = page.split('data-section="active"')[1].split("</table>")[0]
    assert "Professional curiosity" in active
    assert "Theme “Professional curiosity” added." in page


def test_a_duplicate_name_is_refused_at_the_field(login: Any) -> None:
    f.theme("Hidden and unseen adults")
    client = login(f.partnership_manager())
    before = Theme.objects.count()
    response = client.post(NEW, {"name": "hidden and UNSEEN adults"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_name-error"' in html
    assert "There is already a theme called “Hidden and unseen adults”" in html
    assert 'href="#id_name"' in html  # the error summary links to the field
    assert Theme.objects.count() == before


def test_an_empty_name_is_refused_at_the_field(login: Any) -> None:
    response = login(f.partnership_manager()).post(NEW, {"name": " "})
    assert response.status_code == 200
    assert 'id="id_name-error"' in response.content.decode()


def test_rename_a_theme(login: Any) -> None:
    theme = f.theme("Hidden adults")
    other = f.theme("Neglect")
    client = login(f.partnership_manager())
    form = client.get(edit_url(theme)).content.decode()
    assert 'value="Hidden adults"' in form
    response = client.post(
        edit_url(theme), {"name": "Hidden adults and partners", "description": "Men in the home."}
    )
    assert response.status_code == 302
    theme.refresh_from_db()
    assert (theme.name, theme.description) == ("Hidden adults and partners", "Men in the home.")
    clash = client.post(edit_url(theme), {"name": "neglect", "description": ""})
    assert clash.status_code == 200
    assert "There is already a theme called “Neglect”" in clash.content.decode()
    theme.refresh_from_db()
    assert theme.name == "Hidden adults and partners"
    assert other.name == "Neglect"


def test_retire_a_theme_keeps_it_on_reviews_and_lists_it_as_retired(login: Any) -> None:
    manager = f.partnership_manager()
    theme = f.theme("Hidden adults (old wording)")
    review = f.review(manager)
    review.themes.add(theme)
    client = login(manager)
    assert client.get(retire_url(theme)).status_code == 200
    response = client.post(retire_url(theme))
    assert response.status_code == 302
    theme.refresh_from_db()
    assert theme.active is False
    assert list(review.themes.all()) == [theme]
    page = client.get(MANAGE).content.decode()
    retired = page.split('data-section="retired"')[1].split("</table>")[0]
    assert "Hidden adults (old wording)" in retired
    assert "Hidden adults (old wording)" not in page.split('data-section="active"')[1].split("</table>")[0]
    # A retired theme is no longer edited or retired again: 404, like one that does not exist.
    assert client.get(edit_url(theme)).status_code == 404
    assert client.post(retire_url(theme)).status_code == 404
    # It still counts in the themes view.
    assert "Hidden adults (old wording)" in client.get(THEMES).content.decode()
