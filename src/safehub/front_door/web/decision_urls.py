"""MASH decisions, /mash/decisions/ (issue 4, item 6)."""

from django.urls import path

from . import decision_views as v

app_name = "front_door_decisions"

urlpatterns = [
    path("<uuid:contact_id>/new/", v.propose, name="propose"),
    path("<uuid:id>/authorise/", v.authorise, name="authorise"),
]
