"""Routes under /care/leavers/: care leavers, keeping in touch and pathway plans."""

from django.urls import URLPattern

app_name = "looked_after_leavers"

urlpatterns: list[URLPattern] = []
