"""capability_required and CapabilityRequiredMixin: deny by default (R18)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory
from django.views import View

from safehub.accounts.constants import Capability, Role
from safehub.platform.errors import PermissionRefused
from safehub.web.permissions import CapabilityRequiredMixin, capability_required


@capability_required(Capability.VIEW_AUDIT)
def audit_view(request):
    return HttpResponse("audit")


@capability_required(Capability.VIEW_AUDIT)
def refusing_view(request):
    raise PermissionRefused("service said no")


class AuditView(CapabilityRequiredMixin, View):
    required_capability = Capability.VIEW_AUDIT

    def get(self, request):
        return HttpResponse("audit")


class Unconfigured(CapabilityRequiredMixin, View):
    def get(self, request):
        return HttpResponse("oops")


def request_as(user):
    request = RequestFactory().get("/audit/?page=2")
    request.user = user
    return request


VIEWS = [audit_view, AuditView.as_view()]


@pytest.mark.parametrize("view", VIEWS)
def test_anonymous_is_sent_to_sign_in_with_next(view) -> None:
    response = view(request_as(AnonymousUser()))
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/audit/%3Fpage%3D2"


@pytest.mark.django_db
@pytest.mark.parametrize("view", VIEWS)
def test_role_without_capability_gets_403(view, make_user) -> None:
    with pytest.raises(PermissionDenied):
        view(request_as(make_user(Role.SOCIAL_WORKER)))


@pytest.mark.django_db
@pytest.mark.parametrize("view", VIEWS)
def test_role_with_capability_gets_the_page(view, make_user) -> None:
    assert view(request_as(make_user(Role.IG_OFFICER))).content == b"audit"


@pytest.mark.django_db
def test_inactive_user_has_no_capability(make_user) -> None:
    user = make_user(Role.IG_OFFICER)
    user.is_active = False
    with pytest.raises(PermissionDenied):
        audit_view(request_as(user))


@pytest.mark.django_db
def test_service_refusal_becomes_403(make_user) -> None:
    with pytest.raises(PermissionDenied):
        refusing_view(request_as(make_user(Role.IG_OFFICER)))


def test_decorator_records_the_capability_for_route_sweeps() -> None:
    assert audit_view.required_capability == Capability.VIEW_AUDIT


@pytest.mark.django_db
def test_mixin_without_capability_is_a_configuration_error(make_user) -> None:
    with pytest.raises(ImproperlyConfigured):
        Unconfigured.as_view()(request_as(make_user(Role.SYSADMIN)))


@capability_required((Capability.RECORD_CASEWORK, Capability.MANAGE_EARLY_HELP))
def shared_view(request):
    return HttpResponse("tasks")


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.EARLY_HELP])
def test_a_page_two_services_share_admits_either_capability(role, make_user) -> None:
    """R18: My tasks is for anyone who holds cases, in social care or in early help."""
    assert shared_view(request_as(make_user(role))).status_code == 200


@pytest.mark.django_db
def test_a_page_two_services_share_refuses_a_role_with_neither(make_user) -> None:
    with pytest.raises(PermissionDenied):
        shared_view(request_as(make_user(Role.PERFORMANCE_ANALYST)))
