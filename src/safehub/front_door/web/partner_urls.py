"""/partner/: a partner officer's information requests (capability ANSWER_REQUESTS)."""

from django.urls import path

from . import partner_views

app_name = "partner"

urlpatterns = [
    path("", partner_views.inbox, name="inbox"),
    path("requests/<uuid:id>/", partner_views.request_detail, name="request"),
]
