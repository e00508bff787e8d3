"""The period-of-care page is built from sections, one per area, each owned by that area's module:
a section is `(template, context)` for the actor and the period. The page view renders them in order.
"""

from typing import Any

from . import permanence_sections, review_sections

SECTION_BUILDERS = (review_sections.sections, permanence_sections.sections)


def period_sections(actor: Any, period: Any) -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []
    for build in SECTION_BUILDERS:
        out.extend(build(actor, period))
    return out
