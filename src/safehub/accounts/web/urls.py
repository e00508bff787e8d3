"""Staff administration of users, agencies and teams, mounted at /admin/ (namespace `accounts`).

Every route needs MANAGE_USERS (R18); user and team URLs carry UUIDs only (R4).
"""

from django.urls import path

from .views import lifecycle, organisations, recertification, users

app_name = "accounts"

urlpatterns = [
    path("users/", users.user_list, name="user_list"),
    path("users/new/", users.user_create_view, name="user_create"),
    path("users/recertification/", recertification.user_recertification, name="user_recertification"),
    path(
        "users/recertification/download/",
        recertification.user_recertification_csv,
        name="user_recertification_csv",
    ),
    path("users/<uuid:pk>/", users.user_detail, name="user_detail"),
    path("users/<uuid:pk>/edit/", users.user_edit, name="user_edit"),
    path("users/<uuid:pk>/deactivate/", lifecycle.user_deactivate_view, name="user_deactivate"),
    path("users/<uuid:pk>/reactivate/", lifecycle.user_reactivate_view, name="user_reactivate"),
    path("users/<uuid:pk>/end-sessions/", lifecycle.user_end_sessions_view, name="user_end_sessions"),
    path("users/<uuid:pk>/reset-mfa/", lifecycle.user_reset_mfa_view, name="user_reset_mfa"),
    path("agencies/", organisations.agency_list, name="agency_list"),
    path("agencies/new/", organisations.agency_create_view, name="agency_create"),
    path("agencies/<uuid:pk>/edit/", organisations.agency_edit, name="agency_edit"),
    path("teams/", organisations.team_list, name="team_list"),
    path("teams/new/", organisations.team_create_view, name="team_create"),
    path("teams/<uuid:pk>/", organisations.team_detail, name="team_detail"),
    path("teams/<uuid:pk>/edit/", organisations.team_edit, name="team_edit"),
    path("teams/<uuid:pk>/members/add/", organisations.team_member_add, name="team_member_add"),
    path(
        "teams/<uuid:pk>/members/<uuid:user_pk>/remove/",
        organisations.team_member_remove,
        name="team_member_remove",
    ),
]
