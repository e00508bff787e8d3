"""/mash/sharing/: information requests and sharing decisions, from the MASH's side."""

from django.urls import path

from . import sharing_views

app_name = "front_door_sharing"

urlpatterns = [
    path("<uuid:contact_id>/requests/new/", sharing_views.request_new, name="request_new"),
    path("requests/<uuid:id>/withdraw/", sharing_views.request_withdraw, name="request_withdraw"),
    path("<uuid:contact_id>/decisions/new/", sharing_views.sharing_new, name="sharing_new"),
]
