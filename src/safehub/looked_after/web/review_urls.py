"""Routes for reviews, visits and health, joined under the looked_after namespace by urls.py.
`<uuid:id>` is the period of care."""

from django.urls import path

from . import review_views

urlpatterns = [
    path("<uuid:id>/reviews/new/", review_views.review_new, name="review_new"),
    path("<uuid:id>/visits/new/", review_views.visit_new, name="visit_new"),
    path("<uuid:id>/health/new/", review_views.health_new, name="health_new"),
    path("<uuid:id>/sdq/new/", review_views.sdq_new, name="sdq_new"),
    path("<uuid:id>/substance-misuse/new/", review_views.substance_new, name="substance_new"),
    path("<uuid:id>/convictions/new/", review_views.conviction_new, name="conviction_new"),
]
