"""Routes for this area, joined under the looked_after namespace by urls.py."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
