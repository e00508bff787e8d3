"""Forms for the partnership's theme taxonomy (issue 10, item 4).

The theme services judge what is valid (a duplicate name, an empty one); the field names are
the services' keyword names, so a service's `ValidationError` lands at the field it names.
"""

from django import forms

# The shared form helper, re-exported for this app's theme pages.
from safehub.platform.forms import add_service_errors as add_service_errors


class ThemeForm(forms.Form):
    name = forms.CharField(
        label="Theme",
        max_length=100,
        help_text="A short name the partnership will recognise, for example “Hidden and unseen adults”",
        error_messages={"required": "Enter the theme's name"},
    )
    description = forms.CharField(
        label="What the theme covers (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class RetireThemeForm(forms.Form):
    """A confirmation: retiring takes a theme out of the choices, and keeps it on past reviews."""
