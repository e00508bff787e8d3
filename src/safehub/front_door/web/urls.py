"""The MASH staff pages under /mash/: the queue, contacts, screening and the clocks."""

from django.urls import path

from . import clock_views, contact_views, queue_views, screening_views

app_name = "front_door"

urlpatterns = [
    path("", queue_views.queue, name="queue"),
    path("contacts/new/", contact_views.contact_new, name="contact_new"),
    path("contacts/<uuid:id>/", contact_views.contact_detail, name="contact"),
    path("contacts/<uuid:id>/people/new/", contact_views.subject_add, name="subject_add"),
    path(
        "contacts/<uuid:id>/subjects/<uuid:subject_id>/match/",
        contact_views.subject_match,
        name="subject_match",
    ),
    path("contacts/<uuid:id>/rag/", screening_views.rate, name="rate"),
    path("clocks/", clock_views.clock_list, name="clocks"),
    path("clocks/<uuid:id>/", clock_views.clock_edit, name="clock_edit"),
]
