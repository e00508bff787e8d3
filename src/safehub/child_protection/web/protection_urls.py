"""Conferences, plans, core groups, CIN plans and visits, under /cases/protection/."""

from django.urls import path

from . import protection_views as views

app_name = "child_protection_protection"

urlpatterns = [
    path("conferences/<uuid:id>/schedule/", views.conference_schedule, name="conference_schedule"),
    path("conferences/<uuid:id>/record/", views.conference_record, name="conference_record"),
    path("conferences/<uuid:id>/cancel/", views.conference_cancel, name="conference_cancel"),
    path("referrals/<uuid:id>/transfer-in/", views.transfer_in, name="transfer_in"),
    path("plans/<uuid:id>/end/", views.plan_end, name="plan_end"),
    path("plans/<uuid:id>/core-group/", views.core_group_new, name="core_group_new"),
    path("referrals/<uuid:id>/cin-plan/", views.cin_plan_start, name="cin_plan_start"),
    path("cin-plans/<uuid:id>/end/", views.cin_plan_end, name="cin_plan_end"),
    path("cin-plans/<uuid:id>/review/", views.cin_plan_review, name="cin_plan_review"),
    path("referrals/<uuid:id>/visit/", views.visit_new, name="visit_new"),
]
