"""Tags for the case page's protection, CIN and visits partials (helper C2): each turns the page's
`CaseView` into rows with labels and the actions open to the actor, without queries per row.
"""

from typing import Any

from django import template

from ..web import protection_presenters as presenters

register = template.Library()


@register.simple_tag
def protection_rows(case: Any) -> presenters.ProtectionView:
    return presenters.protection_view(case)


@register.simple_tag
def cin_rows(case: Any) -> presenters.CinView:
    return presenters.cin_view(case)


@register.simple_tag
def visit_rows(case: Any) -> presenters.VisitsView:
    return presenters.visits_view(case)
