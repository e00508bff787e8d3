"""The professional referral portal, /portal/ (issue 4, item 2). Referrers only (submit_referrals)."""

from django.urls import path

from . import portal_views as v

app_name = "portal"

urlpatterns = [
    path("", v.home, name="home"),
    path("referrals/new/", v.referral_new, name="referral_new"),
    path("referrals/<uuid:id>/received/", v.acknowledgement, name="acknowledgement"),
    path("referrals/<uuid:id>/", v.referral, name="referral"),
]
