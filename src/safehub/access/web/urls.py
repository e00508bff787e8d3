"""Routes of the access app. Object types come from the policy registry; an unknown one is a 404."""

from django.urls import path

from .views import access_requests, break_glass, grants, restrictions

app_name = "access"

urlpatterns = [
    path(
        "emergency/<object_type:object_type>/<uuid:object_id>/",
        break_glass.break_glass_start,
        name="break_glass_start",
    ),
    path("reviews/", break_glass.break_glass_queue, name="break_glass_queue"),
    path("reviews/report/", break_glass.break_glass_report, name="break_glass_report"),
    path("reviews/<uuid:access_id>/", break_glass.break_glass_review, name="break_glass_review"),
    path("records/", restrictions.restriction_list, name="restriction_list"),
    path(
        "records/<object_type:object_type>/<uuid:object_id>/",
        restrictions.restriction_detail,
        name="restriction_detail",
    ),
    path(
        "records/<object_type:object_type>/<uuid:object_id>/restrict/",
        restrictions.record_restrict,
        name="record_restrict",
    ),
    path(
        "records/<object_type:object_type>/<uuid:object_id>/unrestrict/",
        restrictions.record_unrestrict,
        name="record_unrestrict",
    ),
    path(
        "records/<object_type:object_type>/<uuid:object_id>/grants/new/",
        grants.grant_request,
        name="grant_request",
    ),
    path("grants/pending/", grants.grant_pending_list, name="grant_pending_list"),
    path("grants/<uuid:grant_id>/approve/", grants.grant_approve, name="grant_approve"),
    path("grants/<uuid:grant_id>/refuse/", grants.grant_refuse, name="grant_refuse"),
    path("grants/<uuid:grant_id>/revoke/", grants.grant_revoke, name="grant_revoke"),
    path("requests/", access_requests.access_request_queue, name="access_request_queue"),
    path("requests/<uuid:request_id>/", access_requests.access_request_decide, name="access_request_decide"),
    path("requests/mine/", access_requests.access_requests_own, name="access_requests_mine"),
]
