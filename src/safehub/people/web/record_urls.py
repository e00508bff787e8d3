"""Routes for find-or-create (/people/find/) and for changing the parts of a person's record
(under /people/<person_id>/).

No `app_name`: `urls.py` adds these to the `people` namespace.
"""

from django.urls import path

from . import disability_views, find_views
from . import record_views as v

urlpatterns = [
    path("find/", find_views.find, name="find"),
    path("find/request-access/", find_views.access_request, name="access_request"),
    path("<uuid:person_id>/names/add/", v.name_add, name="name_add"),
    path("<uuid:person_id>/names/<uuid:part_id>/end/", v.name_end, name="name_end"),
    path("<uuid:person_id>/identifiers/add/", v.identifier_add, name="identifier_add"),
    path(
        "<uuid:person_id>/identifiers/<uuid:part_id>/remove/", v.identifier_remove, name="identifier_remove"
    ),
    path("<uuid:person_id>/addresses/add/", v.address_add, name="address_add"),
    path("<uuid:person_id>/addresses/<uuid:part_id>/end/", v.address_end, name="address_end"),
    path("<uuid:person_id>/households/new/", v.household_create, name="household_create"),
    path(
        "<uuid:person_id>/households/<uuid:household_id>/members/add/",
        v.household_member_add,
        name="household_member_add",
    ),
    path(
        "<uuid:person_id>/memberships/<uuid:part_id>/end/",
        v.household_member_end,
        name="household_member_end",
    ),
    path("<uuid:person_id>/relationships/add/", v.relationship_add, name="relationship_add"),
    path("<uuid:person_id>/relationships/<uuid:part_id>/end/", v.relationship_end, name="relationship_end"),
    path("<uuid:person_id>/flags/add/", v.flag_add, name="flag_add"),
    path("<uuid:person_id>/flags/<uuid:part_id>/review/", v.flag_review, name="flag_review"),
    path("<uuid:person_id>/flags/<uuid:part_id>/end/", v.flag_end, name="flag_end"),
    path("<uuid:person_id>/disabilities/add/", disability_views.disability_add, name="disability_add"),
    path(
        "<uuid:person_id>/disabilities/<uuid:part_id>/withdraw/",
        disability_views.disability_remove,
        name="disability_remove",
    ),
]
