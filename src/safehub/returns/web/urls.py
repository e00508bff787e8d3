"""Statutory returns pages (issue 7): /returns/. Only UUIDs and row numbers in paths (R4)."""

from django.urls import path

from . import views

app_name = "returns"

urlpatterns = [
    path("", views.home, name="home"),
    path("produce/", views.produce, name="produce"),
    path("<uuid:id>/", views.produced_detail, name="produced"),
    path("<uuid:id>/files/<int:part>/", views.download, name="download"),
    path("<uuid:id>/validate/", views.validate, name="validate"),
    path("<uuid:id>/submit/", views.submit, name="submit"),
    path("runs/<uuid:id>/", views.run_detail, name="run"),
    path("issues/<int:id>/explain/", views.explain, name="explain"),
    path("imports/", views.imports, name="imports"),
    path("imports/<uuid:id>/", views.import_detail, name="import_run"),
]
