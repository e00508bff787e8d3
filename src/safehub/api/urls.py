"""The API's URL tree, under /api/v1/. Ids in paths are UUIDs; searches are POST (R4)."""

from django.urls import path

from .views.contacts import ContactCollectionView, ContactStatusView
from .views.match import PersonMatchView
from .views.me import MeView
from .views.people import PERSON_PART_ROUTES, PersonCollectionView, PersonDetailView, PersonSearchView
from .views.schema import SchemaView

app_name = "api"

urlpatterns = [
    path("schema/", SchemaView.as_view(), name="schema"),
    path("me/", MeView.as_view(), name="me"),
    path("people/", PersonCollectionView.as_view(), name="person-create"),
    path("people/search/", PersonSearchView.as_view(), name="person-search"),
    path("people/match", PersonMatchView.as_view(), name="person-match"),
    path("people/<uuid:id>/", PersonDetailView.as_view(), name="person-detail"),
    *PERSON_PART_ROUTES,
    path("contacts", ContactCollectionView.as_view(), name="contact-create"),
    path("contacts/<contact_reference:reference>/status", ContactStatusView.as_view(), name="contact-status"),
]
