"""Routes under /cases/: the case list, the case page, the referral, assessment, strategy
discussion and section 47 pages (issue 5). Conferences, plans and visits are under
/cases/protection/ (protection_urls.py)."""

from django.urls import path

from . import assessment_views, case_views, referral_views, strategy_views

app_name = "child_protection"

urlpatterns = [
    path("", case_views.case_list, name="case_list"),
    path("referrals/new/<uuid:person_id>/", referral_views.referral_new, name="referral_new"),
    path("referrals/<uuid:id>/", case_views.case, name="case"),
    path("referrals/<uuid:id>/edit/", referral_views.referral_edit, name="referral_edit"),
    path("referrals/<uuid:id>/close/", referral_views.referral_close_view, name="referral_close"),
    path("referrals/<uuid:id>/assessment/start/", assessment_views.start, name="assessment_start"),
    path("referrals/<uuid:id>/strategy/new/", strategy_views.strategy_new, name="strategy_new"),
    path("assessments/<uuid:id>/edit/", assessment_views.edit, name="assessment_edit"),
    path("assessments/<uuid:id>/complete/", assessment_views.complete, name="assessment_complete"),
    path("assessments/<uuid:id>/authorise/", assessment_views.authorise, name="assessment_authorise"),
    path("section47/<uuid:id>/complete/", strategy_views.section47_complete_view, name="section47_complete"),
]
