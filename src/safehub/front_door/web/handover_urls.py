"""Children's social care's inbox of MASH handovers (prefix /mash/handovers/)."""

from django.urls import path

from . import handover_views

app_name = "front_door_handovers"

urlpatterns = [
    path("", handover_views.inbox, name="inbox"),
    path("<uuid:id>/accept/", handover_views.accept, name="accept"),
]
