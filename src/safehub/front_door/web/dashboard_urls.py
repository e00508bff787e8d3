"""The MASH dashboard (issue 4, item 8): /mash/dashboard/."""

from django.urls import path

from . import dashboard_views

app_name = "front_door_dashboard"

urlpatterns = [
    path("", dashboard_views.dashboard, name="dashboard"),
]
