"""Routes under /early-help/ that go through the front door (issue 9, ADR 0007 §6): the early help
team's inbox and taking work on from it, step-up, and a social worker's step-down request. The
rest of /early-help/ is early help's own (early_help/web/urls.py)."""

from django.urls import path

from . import early_help_views

app_name = "early_help_front_door"

urlpatterns = [
    path("inbox/", early_help_views.request_inbox, name="request_inbox"),
    path("handovers/<uuid:id>/accept/", early_help_views.handover_accept, name="handover_accept"),
    path("step-downs/<uuid:id>/accept/", early_help_views.step_down_take, name="step_down_accept"),
    path("step-down/<uuid:referral_id>/", early_help_views.step_down_new, name="step_down_new"),
    path("episodes/<uuid:id>/step-up/", early_help_views.step_up_view, name="step_up"),
]
