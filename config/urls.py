"""The URL tree. Every route here is listed in tests/permission_matrix.yml (R18)."""

from django.urls import include, path

urlpatterns = [
    path("accounts/", include("allauth.urls")),
    path("api/v1/", include("safehub.api.urls")),
    path("", include("safehub.web.urls")),
    path("access/", include("safehub.access.web.urls")),
    path("audit/", include("safehub.audit.web.urls")),
    path("admin/api-keys/", include("safehub.api.web.urls")),
    path("admin/", include("safehub.accounts.web.urls")),
    path("calendar/", include("safehub.platform.web.urls")),
    path("people/", include("safehub.people.web.urls")),
    path("cases/protection/", include("safehub.child_protection.web.protection_urls")),
    path("cases/", include("safehub.child_protection.web.urls")),
    path("care/households/", include("safehub.looked_after.web.household_urls")),
    path("care/leavers/", include("safehub.looked_after.web.leaver_urls")),
    path("care/", include("safehub.looked_after.web.urls")),
    path("casework/documents/", include("safehub.casework.web.document_urls")),
    path("casework/", include("safehub.casework.web.urls")),
    path("early-help/", include("safehub.front_door.web.early_help_urls")),
    path("early-help/", include("safehub.early_help.web.urls")),
    path("learning/actions/", include("safehub.learning.web.action_urls")),
    path("learning/audits/", include("safehub.learning.web.audit_urls")),
    path("learning/reports/", include("safehub.learning.web.report_urls")),
    path("learning/", include("safehub.learning.web.urls")),
    path("mash/handovers/", include("safehub.front_door.web.handover_urls")),
    path("mash/sharing/", include("safehub.front_door.web.sharing_urls")),
    path("mash/decisions/", include("safehub.front_door.web.decision_urls")),
    path("mash/dashboard/", include("safehub.front_door.web.dashboard_urls")),
    path("mash/", include("safehub.front_door.web.urls")),
    path("partner/", include("safehub.front_door.web.partner_urls")),
    path("portal/", include("safehub.front_door.web.portal_urls")),
    path("returns/", include("safehub.returns.web.urls")),
]

handler400 = "safehub.web.views.errors.bad_request"
handler403 = "safehub.web.views.errors.permission_denied"
handler404 = "safehub.web.views.errors.page_not_found"
handler500 = "safehub.web.views.errors.server_error"
