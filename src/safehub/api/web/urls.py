"""API key administration, mounted at /admin/api-keys/ (system administrators only)."""

from django.urls import path

from . import views

app_name = "api_keys"

urlpatterns = [
    path("", views.key_list, name="list"),
    path("new/", views.key_create, name="create"),
    path("<uuid:key_id>/revoke/", views.key_revoke, name="revoke"),
]
