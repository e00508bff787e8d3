"""Django forms rendered with GOV.UK Frontend markup."""

from django.forms.renderers import DjangoTemplates


class GovukFormRenderer(DjangoTemplates):
    """Our form and field templates, over Django's own widget templates.

    Django's `DjangoTemplates` renderer searches its built-in form templates and every app's
    templates directory, so the stock widget templates (select options, textarea and so on)
    resolve without adding `django.forms` to INSTALLED_APPS, and our `web/forms/*` templates
    decide the GOV.UK layout around them.
    """

    form_template_name = "web/forms/form.html"
    field_template_name = "web/forms/field.html"
