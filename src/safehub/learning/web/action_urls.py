"""Routes for multi-agency action plans (namespace `learning_actions`, mounted at /learning/actions/,
before "learning/"). Every route is in tests/permission_matrix.yml (R18)."""

from django.urls import path

from . import action_views, evidence_views

app_name = "learning_actions"

_ACTION = "<uuid:id>/"

urlpatterns = [
    path("", action_views.action_list, name="list"),
    path("actions.csv", action_views.action_list_csv, name="list_csv"),
    path("new/", action_views.action_new, name="add"),
    path(_ACTION, action_views.action_detail, name="detail"),
    path(f"{_ACTION}updates/new/", action_views.update_add, name="update_add"),
    path(f"{_ACTION}complete/", action_views.complete, name="complete"),
    path(f"{_ACTION}sign-off/", action_views.sign_off, name="sign_off"),
    path(f"{_ACTION}evidence/new/", evidence_views.upload, name="evidence_upload"),
    path("evidence/<uuid:id>/download/", evidence_views.download, name="evidence_download"),
]
