"""Routes for missing episodes, UASC status and permanence, joined under the looked_after namespace
by urls.py. `<uuid:id>` is the period of care unless the route names another record.
"""

from django.urls import URLPattern, path

from . import permanence_views as views

urlpatterns: list[URLPattern] = [
    path("<uuid:id>/missing/new/", views.missing_new, name="missing_new"),
    path("missing/<uuid:id>/", views.missing_edit, name="missing_edit"),
    path("<uuid:id>/uasc/", views.uasc, name="uasc"),
    path("<uuid:id>/adoption/new/", views.adoption_decision_new, name="adoption_decision_new"),
    path("adoption/<uuid:id>/match/", views.adoption_match, name="adoption_match"),
    path("adoption/<uuid:id>/cease/", views.adoption_cease, name="adoption_cease"),
    path("<uuid:id>/orders/new/", views.order_new, name="order_new"),
    path("<uuid:id>/previous-permanence/", views.previous_permanence, name="previous_permanence"),
    path("<uuid:id>/siblings/new/", views.sibling_decision_new, name="sibling_decision_new"),
]
