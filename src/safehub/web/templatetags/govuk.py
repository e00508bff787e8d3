"""Template helpers that put GOV.UK Frontend classes and ARIA wiring onto Django form fields.

The field template (web/forms/field.html) decides the layout; these helpers give it the pieces
Django does not: the govuk-* classes on the widget, `aria-describedby` pointing at our hint and
error ids, and the choice and date-part lists that radios, checkboxes and dates are drawn from.
The first input of every field carries the field's own id, so an error-summary link to
`#id_<field>` always lands on something focusable.
"""

from typing import Any

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.safestring import SafeString

register = template.Library()

_WIDGET_CLASS = {
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "selectmultiple": "govuk-select",
    "file": "govuk-file-upload",
    "clearablefile": "govuk-file-upload",
    "checkbox": "govuk-checkboxes__input",
}
# Classes that have no `--error` modifier in GOV.UK Frontend.
_NO_ERROR_MODIFIER = {"govuk-checkboxes__input"}


def described_by(field: BoundField) -> str:
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-hint")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    return " ".join(ids)


@register.simple_tag
def govuk_widget(field: BoundField, classes: str = "") -> SafeString:
    """Render a single-control widget (input, textarea, select) with GOV.UK classes."""
    kind = field.widget_type
    base = _WIDGET_CLASS.get(kind, "govuk-input")
    css = [base, *field.field.widget.attrs.get("class", "").split(), *classes.split()]
    if field.field.widget.attrs.get("autocomplete") == "one-time-code":
        css.append("govuk-input--width-10")  # a 6-digit or 8-character code, not a sentence
    if field.errors and base not in _NO_ERROR_MODIFIER:
        css.append(f"{base}--error")
    # GOV.UK asks for no placeholders (they vanish as you type); False drops the attribute.
    attrs: dict[str, Any] = {"class": " ".join(c for c in css if c), "placeholder": False}
    if describedby := described_by(field):
        attrs["aria-describedby"] = describedby
    return field.as_widget(attrs=attrs)


@register.simple_tag
def govuk_choices(field: BoundField) -> list[dict[str, Any]]:
    """Radios and checkboxes: one dict per option, the first carrying the field's id."""
    selected = field.value()
    if selected is None:
        selected_values: set[str] = set()
    elif isinstance(selected, list | tuple):
        selected_values = {str(v) for v in selected}
    else:
        selected_values = {str(selected)}
    options = []
    choices = [(v, lbl) for v, lbl in _flat_choices(field.field) if v not in ("", None)]
    for index, (value, label) in enumerate(choices):
        option_id = field.auto_id if index == 0 else f"{field.auto_id}-{index + 1}"
        options.append(
            {
                "id": option_id,
                "name": field.html_name,
                "value": "" if value is None else str(value),
                "label": label,
                "checked": str(value) in selected_values,
            }
        )
    return options


def _flat_choices(field: forms.Field) -> list[tuple[Any, str]]:
    flat: list[tuple[Any, str]] = []
    for value, label in getattr(field, "choices", []):
        if isinstance(label, list | tuple):  # an optgroup: radios have no groups, so flatten
            flat.extend((v, str(lbl)) for v, lbl in label)
        else:
            flat.append((getattr(value, "value", value), str(label)))
    return flat


@register.simple_tag
def govuk_date_parts(field: BoundField) -> list[dict[str, Any]]:
    """Day, month and year boxes for a GovukDateInput, marking only the boxes at fault."""
    widget = field.field.widget
    values = widget.decompress(field.value()) if not isinstance(field.value(), list) else field.value()
    values = list(values or [None, None, None]) + [None] * 3
    fault = _faulty_parts(field)
    parts = []
    for index, (suffix, label, width) in enumerate(
        (("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4))
    ):
        css = f"govuk-input govuk-date-input__input govuk-input--width-{width}"
        if field.errors and (not fault or suffix in fault):
            css += " govuk-input--error"
        parts.append(
            {
                "id": field.auto_id if index == 0 else f"{field.auto_id}-{suffix}",
                "name": f"{field.html_name}_{suffix}",
                "label": label,
                "value": "" if values[index] is None else values[index],
                "classes": css,
                "autocomplete": _date_autocomplete(widget, suffix),
            }
        )
    return parts


def _faulty_parts(field: BoundField) -> set[str]:
    """Which of day/month/year the field's error named (an empty set means all of them)."""
    errors = field.form.errors.as_data().get(field.name, []) if field.form.is_bound else []
    for error in errors:
        params = getattr(error, "params", None) or {}
        if "parts" in params:
            return set(params["parts"])
    return set()


def _date_autocomplete(widget: forms.Widget, suffix: str) -> str:
    prefix = getattr(widget, "autocomplete_prefix", "")
    return f"{prefix}-{suffix}" if prefix else ""


@register.filter
def govuk_describedby(field: BoundField) -> str:
    return described_by(field)


_REQUIRED = str(forms.Field.default_error_messages["required"])
_CHOOSE_KINDS = {"select", "selectmultiple", "radioselect", "checkboxselectmultiple", "nullbooleanselect"}


def _lower_label(label: str) -> str:
    # "Current Password" -> "current password", but "NHS number" keeps its acronym.
    return " ".join(w.lower() if w[:1].isupper() and w[1:].islower() else w for w in label.split(" "))


@register.filter
def govuk_errors(field: BoundField) -> list[str]:
    """The field's error messages, with Django's bare "This field is required." replaced by what
    GOV.UK asks for: say what to do ("Enter full name", "Select team")."""
    messages = []
    for error in field.errors:
        text = str(error)
        if text == _REQUIRED and field.label and field.widget_type not in {"checkbox", "hidden"}:
            verb = "Select" if field.widget_type in _CHOOSE_KINDS else "Enter"
            text = f"{verb} {_lower_label(str(field.label))}"
        messages.append(text)
    return messages
