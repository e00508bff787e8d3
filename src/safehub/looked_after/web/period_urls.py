"""Routes for periods of care, joined under the looked_after namespace by urls.py."""

from django.urls import path

from . import period_views as v

urlpatterns = [
    path("", v.period_list, name="period_list"),
    path("start/<uuid:person_id>/", v.period_start, name="period_start"),
    path("<uuid:id>/", v.period, name="period"),
    path("<uuid:id>/legal-status/", v.legal_status_change, name="legal_status_change"),
    path("<uuid:id>/placement/", v.placement_change, name="placement_change"),
    path("placements/<uuid:id>/correct/", v.placement_correct, name="placement_correct"),
    path("<uuid:id>/end/", v.period_end, name="period_end"),
    path("<uuid:id>/iro/", v.iro_assign, name="iro_assign"),
]
