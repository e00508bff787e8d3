"""Routes under /learning/audits/ (namespace `learning_audits`): audit programmes, their tools and
cases, "my audits" and one case audit (issue 10, item 5). Every route is in
tests/security/permission_matrix.yml (R18)."""

from django.urls import path

from . import case_audit_views, programme_views

app_name = "learning_audits"

_PROGRAMME = "programmes/<uuid:id>/"
_CASE = "cases/<uuid:id>/"

urlpatterns = [
    path("", programme_views.programme_list_view, name="programme_list"),
    path("mine/", programme_views.mine, name="mine"),
    path("tools/new/", programme_views.tool_new, name="tool_new"),
    path("programmes/new/", programme_views.programme_new, name="programme_new"),
    path(_PROGRAMME, programme_views.programme, name="programme"),
    path(f"{_PROGRAMME}sample/", programme_views.sample, name="sample"),
    path(f"{_PROGRAMME}complete/", programme_views.complete, name="programme_complete"),
    path(_CASE, case_audit_views.case_audit, name="case_audit"),
    path(f"{_CASE}auditors/new/", programme_views.auditor_new, name="auditor_add"),
    path(f"{_CASE}answers/", case_audit_views.answers_save, name="answers_save"),
    path(f"{_CASE}submit/", case_audit_views.submit, name="submit"),
    path(f"{_CASE}findings/new/", case_audit_views.finding_add, name="finding_add"),
    path(f"{_CASE}moderate/", case_audit_views.moderate, name="moderate"),
]
