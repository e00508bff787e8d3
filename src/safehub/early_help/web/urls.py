"""Routes under /early-help/ (issue 9): the episode list and page, the forms under an episode,
requests for support and the dashboard."""

from django.urls import path

from . import (
    assessment_views,
    dashboard_views,
    episode_views,
    plan_views,
    request_views,
    taf_views,
)

app_name = "early_help"

_EPISODE = "episodes/<uuid:id>/"

urlpatterns = [
    path("", episode_views.episode_list_view, name="episode_list"),
    path(_EPISODE, episode_views.episode, name="episode"),
    path(f"{_EPISODE}close/", episode_views.close, name="close"),
    path(f"{_EPISODE}lead/", episode_views.lead_change, name="lead_change"),
    path(f"{_EPISODE}family/add/", episode_views.member_add, name="member_add"),
    path(f"{_EPISODE}consent/", assessment_views.consent, name="consent_record"),
    path(f"{_EPISODE}assessment/start/", assessment_views.start, name="assessment_start"),
    path(f"{_EPISODE}assessment/edit/", assessment_views.edit, name="assessment_edit"),
    path(f"{_EPISODE}assessment/complete/", assessment_views.complete, name="assessment_complete"),
    path(f"{_EPISODE}team/add/", taf_views.member_add, name="taf_member_add"),
    path(f"{_EPISODE}team/<uuid:member_id>/leave/", taf_views.member_leave, name="taf_member_leave"),
    path(f"{_EPISODE}meetings/new/", taf_views.meeting_new, name="meeting_record"),
    path(f"{_EPISODE}actions/new/", taf_views.action_new, name="action_add"),
    path(f"{_EPISODE}actions/<uuid:action_id>/", taf_views.action_edit, name="action_update"),
    path(f"{_EPISODE}plan/start/", plan_views.start, name="plan_start"),
    path(f"{_EPISODE}plan/goals/new/", plan_views.goal_new, name="goal_add"),
    path(f"{_EPISODE}plan/review/", plan_views.review, name="plan_review"),
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("requests/", request_views.my_requests, name="my_requests"),
    path("requests/new/", request_views.request_new, name="request_new"),
    path("requests/<uuid:id>/accept/", request_views.request_accept, name="request_accept"),
    path("requests/<uuid:id>/decline/", request_views.request_decline, name="request_decline"),
    # The inbox, step-up and step-down go through the front door: front_door/web/early_help_urls.py.
]
