"""Routes for learning pages (namespace `learning_audits`). Every route is in tests/permission_matrix.yml (R18)."""

from django.urls import URLPattern

app_name = "learning_audits"

urlpatterns: list[URLPattern] = []
