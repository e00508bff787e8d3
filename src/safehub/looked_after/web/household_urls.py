"""Routes under /care/households/: households, placement requests, sufficiency and matching."""

from django.urls import URLPattern

app_name = "looked_after_households"

urlpatterns: list[URLPattern] = []
