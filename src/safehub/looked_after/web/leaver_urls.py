"""Routes under /care/leavers/: care leavers, keeping in touch and pathway plans."""

from django.urls import path

from . import leaver_views

app_name = "looked_after_leavers"

urlpatterns = [
    path("", leaver_views.leaver_list_view, name="leaver_list"),
    path("open/<uuid:person_id>/", leaver_views.leaver_open, name="leaver_open"),
    path("<uuid:id>/", leaver_views.leaver, name="leaver"),
    path("<uuid:id>/edit/", leaver_views.leaver_edit, name="leaver_edit"),
    path("<uuid:id>/contacts/new/", leaver_views.contact_new, name="contact_new"),
    path("<uuid:id>/pathway-reviews/new/", leaver_views.pathway_review_new, name="pathway_review_new"),
    path("<uuid:id>/close/", leaver_views.leaver_close, name="leaver_close"),
]
