"""Routes for learning pages (namespace `learning`). Every route is in tests/permission_matrix.yml (R18)."""

from django.urls import path

from . import home_views, incident_views, return_views, review_part_views, review_views

app_name = "learning"

_INCIDENT = "incidents/<uuid:id>/"
_REVIEW = "reviews/<uuid:id>/"
_RETURN = "returns/<uuid:id>/"

urlpatterns = [
    path("", home_views.home, name="home"),
    path("incidents/", incident_views.incident_list_view, name="incident_list"),
    path("incidents/new/", incident_views.incident_new, name="incident_new"),
    path(_INCIDENT, incident_views.incident, name="incident"),
    path(f"{_INCIDENT}notify/", incident_views.notify, name="incident_notify"),
    path(f"{_INCIDENT}rapid-review/", incident_views.rapid_review_new, name="rapid_review_start"),
    path("reviews/", review_views.review_list_view, name="review_list"),
    path("reviews/new/", review_views.review_new, name="review_new"),
    path(_REVIEW, review_views.review, name="review"),
    path(f"{_REVIEW}decision/", review_views.decide, name="review_decide"),
    path(f"{_REVIEW}complete/", review_views.complete, name="review_complete"),
    path(f"{_REVIEW}publish/", review_views.publish, name="review_publish"),
    path(f"{_REVIEW}members/new/", review_part_views.member_add, name="review_member_add"),
    path(f"{_REVIEW}milestones/new/", review_part_views.milestone_add, name="review_milestone_add"),
    path(
        f"{_REVIEW}milestones/<uuid:milestone_id>/done/",
        review_part_views.milestone_done,
        name="review_milestone_done",
    ),
    path(f"{_REVIEW}themes/", review_part_views.themes, name="review_themes"),
    path(f"{_REVIEW}findings/new/", review_part_views.finding_new, name="finding_add"),
    path(f"{_REVIEW}recommendations/new/", review_part_views.recommendation_new, name="recommendation_add"),
    path(f"{_REVIEW}returns/new/", return_views.request_return, name="return_request"),
    path("returns/", return_views.return_list, name="return_list"),
    path(_RETURN, return_views.agency_return, name="return"),
    path(f"{_RETURN}answer/", return_views.answer, name="return_answer"),
]
