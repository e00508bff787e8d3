from django.urls import path

from . import views

app_name = "platform"

urlpatterns = [
    path("", views.closure_list, name="closure_list"),
    path("new/", views.closure_create, name="closure_create"),
    path("<uuid:closure_id>/delete/", views.closure_delete, name="closure_delete"),
]
