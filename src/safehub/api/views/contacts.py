"""Contacts from partner systems (issue 4, item 9): send one to the MASH, then follow its status.

A partner system's key acts as a referrer-role service user of the partner agency, so what it
sends is submitted by that user, who alone may follow it (contact_policy "track"). Systems retry:
the same `external_reference` from the same agency is the same contact, answered 200 with the
first one's reference instead of recording it twice.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from safehub.accounts.constants import AgencyKind, Capability
from safehub.front_door.constants import Channel
from safehub.front_door.selectors.tracking import (
    ContactTracking,
    contact_duplicate_receipt,
    contact_track_get,
    contact_tracking,
)
from safehub.front_door.services.contact import DuplicateContact, ReferrerInput, contact_create
from safehub.platform.errors import PermissionRefused

from ..constants import Scope
from ..serializers.contacts import (
    ContactCreateInputSerializer,
    ContactReceiptOutputSerializer,
    ContactStatusOutputSerializer,
)
from .base import SafehubApiView

TAGS = ["contacts"]
# OpenAPI 3.0 lets only OAuth schemes list scopes in `security`, so a key's scope is named here.
SCOPES_EXTENSION = "x-api-key-scopes"

_EXAMPLE_BODY = {
    "kind": "police_notification",
    "external_reference": "DA-2026-004211",
    "referrer": {"name": "PC Test Officer", "role": "Response officer", "phone": "01632 960000"},
    "referral_source": "6",
    "summary": "Police called to a verbal argument at the home; two children present and frightened.",
    "concerns": ["domestic_abuse"],
    "consent": "not_sought",
    "consent_reason": "Seeking consent could place the children at greater risk.",
    "lawful_basis": "law_enforcement",
    "subjects": [
        {"role": "child", "given_name": "Amara", "family_name": "Testperson", "date_of_birth": "2017-05-17"},
        {"role": "parent_carer", "given_name": "Jo", "family_name": "Testperson"},
    ],
}
_EXAMPLE_RECEIPT = {
    "id": "6f1c2d8e-3b5a-4c7d-9e0f-1a2b3c4d5e6f",
    "reference": "MASH-2026-000123",
    "received_at": "2026-11-26T10:15:00Z",
    "status": {"code": "received", "text": "Received"},
    "status_url": "/api/v1/contacts/MASH-2026-000123/status",
    "duplicate": False,
}
_EXAMPLE_STATUS = {
    "reference": "MASH-2026-000123",
    "received_at": "2026-11-26T10:15:00Z",
    "status": {"code": "decided", "text": "Decision made"},
    "decided_at": "2026-11-27T09:30:00Z",
    "feedback": {
        "subject": "Your referral MASH-2026-000123",
        "body": "Thank you for your referral. Children's social care will carry out an assessment.",
    },
}


def _field_name(key: str) -> str:
    """The service's form-style keys ("subjects-0-family_name") in the API's style (dots)."""
    return key.replace("-", ".")


def _status_url(reference: str) -> str:
    return reverse("api:contact-status", kwargs={"reference": reference})


def _receipt(tracking: ContactTracking, *, duplicate: bool) -> dict[str, Any]:
    body = {
        "id": tracking.id,
        "reference": tracking.reference,
        "received_at": tracking.received_at,
        "status_code": tracking.status_code,
        "status_text": tracking.status_text,
        "status_url": _status_url(tracking.reference),
        "duplicate": duplicate,
    }
    return dict(ContactReceiptOutputSerializer(body).data)


class ContactCollectionView(SafehubApiView):
    required_capabilities = {"POST": Capability.SUBMIT_REFERRALS}
    required_scopes = {"POST": Scope.CONTACTS_WRITE}

    @extend_schema(
        operation_id="contacts_create",
        summary="Send a contact (a referral or a police notification) to the MASH",
        description=(
            "Needs a key with the `contacts:write` scope acting for a partner agency. Every problem "
            "with the body comes back at once (400), at field names such as `subjects.0.family_name`; "
            "nothing is recorded unless everything is right. A contact must name a child (a name with "
            "a date of birth, or an NHS number), an unborn child with the expected date, or say in "
            "`child_not_identified_reason` why no child can be named yet. `referral_source` is a CIN "
            "census referral source code. `kind` `police_notification` is for a police agency's key "
            "only. `received_at` may be at most 7 days ago and not in the future (every clock runs "
            "from it). `external_reference` makes retries safe: the same value "
            "from the same agency answers 200 with the contact already recorded. Audited."
        ),
        request=ContactCreateInputSerializer,
        responses={
            201: OpenApiResponse(
                ContactReceiptOutputSerializer, description="Recorded. Location: its status."
            ),
            200: OpenApiResponse(
                ContactReceiptOutputSerializer,
                description="Already received with this external_reference; nothing new was recorded.",
            ),
        },
        examples=[
            OpenApiExample("A police notification", value=_EXAMPLE_BODY, request_only=True),
            OpenApiExample("Recorded", value=_EXAMPLE_RECEIPT, response_only=True, status_codes=["201"]),
        ],
        extensions={SCOPES_EXTENSION: [Scope.CONTACTS_WRITE.value]},
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        actor: Any = request.user
        agency = actor.agency
        if agency is None:
            raise PermissionRefused("A partner system's key must act for an agency.")
        given = ContactCreateInputSerializer(
            data=request.data, context={"police": agency.kind == AgencyKind.POLICE}
        )
        given.is_valid(raise_exception=True)
        try:
            contact = contact_create(
                actor=request.user,
                channel=Channel.POLICE_NOTIFICATION if given.is_police_notification else Channel.API,
                referrer=ReferrerInput(agency=agency, **given.referrer_fields),
                source_agency=agency,
                **given.arguments(),
            )
        except DuplicateContact as duplicate:
            tracking = contact_duplicate_receipt(actor=request.user, contact=duplicate.contact)
            return Response(
                _receipt(tracking, duplicate=True),
                status=status.HTTP_200_OK,
                headers={"Location": _status_url(tracking.reference)},
            )
        except ValidationError as invalid:
            raise ValidationError(
                {_field_name(key): messages for key, messages in invalid.message_dict.items()}
            ) from invalid
        tracking = contact_tracking(contact, with_feedback=False)
        return Response(
            _receipt(tracking, duplicate=False),
            status=status.HTTP_201_CREATED,
            headers={"Location": _status_url(tracking.reference)},
        )


class ContactStatusView(SafehubApiView):
    required_capabilities = {"GET": Capability.SUBMIT_REFERRALS}
    required_scopes = {"GET": Scope.CONTACTS_READ}

    @extend_schema(
        operation_id="contacts_status",
        summary="Follow a contact you sent",
        description=(
            "Needs the `contacts:read` scope. Only contacts sent with this key's user can be read; any "
            "other reference is 404, the same as one that does not exist. The status is in words meant "
            "for the referrer; once decided, `feedback` holds what the MASH wrote for them. Nothing about "
            "the rating, the reasons for the decision or what partners shared is given. Audited."
        ),
        responses={200: ContactStatusOutputSerializer},
        examples=[OpenApiExample("Decided", value=_EXAMPLE_STATUS, response_only=True, status_codes=["200"])],
        extensions={SCOPES_EXTENSION: [Scope.CONTACTS_READ.value]},
        tags=TAGS,
    )
    def get(self, request: Request, reference: str) -> Response:
        tracking = contact_track_get(actor=request.user, reference=reference)
        return Response(ContactStatusOutputSerializer(tracking).data)
