"""Routes under /care/households/: households, placement requests, sufficiency and matching."""

from django.urls import path

from . import household_views as views

app_name = "looked_after_households"

urlpatterns = [
    path("", views.household_list, name="household_list"),
    path("new/", views.household_new, name="household_new"),
    path("<uuid:id>/", views.household, name="household"),
    path("<uuid:id>/edit/", views.household_edit, name="household_edit"),
    path("<uuid:id>/status/", views.household_status, name="household_status"),
    path("<uuid:id>/carers/add/", views.carer_add, name="carer_add"),
    path("requests/", views.request_list, name="request_list"),
    path("requests/new/<uuid:period_id>/", views.request_new, name="request_new"),
    path("requests/<uuid:id>/", views.request_detail, name="request"),
    path("requests/<uuid:id>/close/", views.request_close, name="request_close"),
    path("sufficiency/", views.sufficiency, name="sufficiency"),
]
