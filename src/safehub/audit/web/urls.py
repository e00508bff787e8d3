from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("chain/", views.chain_status, name="chain_status"),
    path("records/<object_type:object_type>/<uuid:object_id>/", views.access_log, name="access_log"),
]
