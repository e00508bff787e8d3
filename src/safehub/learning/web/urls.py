"""Routes for learning pages (namespace `learning`). Every route is in tests/permission_matrix.yml (R18)."""

from django.urls import URLPattern

app_name = "learning"

urlpatterns: list[URLPattern] = []
