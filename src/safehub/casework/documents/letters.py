"""Letter templates: plain text with `$placeholders` from one fixed list (R40, R44, T20).

A template is never a template language: it cannot loop, call, or reach the database, only name
one of `PLACEHOLDERS`. `string.Template.safe_substitute` alone would quietly leave a misspelt
`$chld_name` in a letter sent to a family, so a template naming anything else is refused when it
is saved (`problems`). The letter is rendered as HTML with Django's autoescaping (the template body
and every value are text, so `<script>` in a name is printed, not run) and then as a PDF by the
locked-down renderer (`safehub.platform.pdf`).
"""

import string
from collections.abc import Mapping

from django.template.loader import render_to_string

PLACEHOLDERS: dict[str, str] = {
    "child_name": "the child's full name",
    "child_first_name": "the child's first name (their preferred name if they have one)",
    "child_dob": "the child's date of birth",
    "worker_name": "the name of the worker creating the letter",
    "team_name": "the team working with the child",
    "today": "today's date",
    "council_name": "the council's name",
    "parent_name": "the name the worker types when creating the letter",
}


def placeholders_in(body: str) -> tuple[list[str], list[str]]:
    """(names used, in order of first use; stray `$` signs that start no placeholder)."""
    names: list[str] = []
    invalid: list[str] = []
    for match in string.Template.pattern.finditer(body):
        name = match.group("named") or match.group("braced")
        if name:
            if name not in names:
                names.append(name)
        elif match.group("invalid") is not None:
            invalid.append(body[match.start("invalid") : match.start("invalid") + 20])
    return names, invalid


def problems(body: str) -> list[str]:
    """Why this body cannot be saved, as messages for the body field (empty when it can)."""
    names, invalid = placeholders_in(body)
    unknown = [name for name in names if name not in PLACEHOLDERS]
    messages = []
    if unknown:
        listed = ", ".join(f"${name}" for name in unknown)
        noun = "placeholder" if len(unknown) == 1 else "placeholders"
        messages.append(
            f"The letter uses the unknown {noun} {listed}. Use only "
            + ", ".join(f"${name}" for name in PLACEHOLDERS)
        )
    if invalid:
        messages.append(
            "A $ sign must start a placeholder such as $child_name. To print a dollar sign, write $$"
        )
    return messages


def fill(body: str, values: Mapping[str, str]) -> str:
    """The letter text. Only called on a body that `problems` passed, with every placeholder valued."""
    return string.Template(body).substitute({name: values.get(name, "") for name in PLACEHOLDERS})


def letter_html(*, title: str, text: str, council_name: str) -> str:
    """The letter as HTML for the PDF renderer; `text` is escaped by the template (R40)."""
    return render_to_string(
        "casework/documents/pdf/letter.html", {"title": title, "text": text, "council_name": council_name}
    )
