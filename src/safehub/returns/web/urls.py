"""Statutory returns pages (issue 7): /returns/."""

from django.urls import path  # noqa: F401

app_name = "returns"

urlpatterns: list = []
