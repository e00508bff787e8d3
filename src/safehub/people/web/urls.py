from django.urls import path

from . import alert_views, birth_views, network_views, views
from .duplicate_views import urlpatterns as duplicate_urlpatterns
from .record_urls import urlpatterns as record_urlpatterns

app_name = "people"

urlpatterns = [
    path("", views.search, name="search"),
    path("new/", views.create, name="create"),
    path("<uuid:person_id>/", views.detail, name="detail"),
    path("<uuid:person_id>/edit/", views.edit, name="edit"),
    path("<uuid:person_id>/birth/", birth_views.record_birth, name="record_birth"),
    path("<uuid:person_id>/network/", network_views.network, name="network"),
    path("<uuid:person_id>/chronology/", network_views.chronology, name="chronology"),
    path("alerts/", alert_views.inbox, name="alerts"),
    path("alerts/<uuid:recipient_id>/", alert_views.detail, name="alert_detail"),
    path("alerts/<uuid:recipient_id>/acknowledge/", alert_views.acknowledge, name="alert_acknowledge"),
    *record_urlpatterns,
    *duplicate_urlpatterns,
]
