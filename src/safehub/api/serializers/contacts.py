"""Contacts over the API: what a partner system sends to the MASH and what it may read back.

The input serializers only shape the body (types, lengths, the fixed code lists). The values are
checked by `contact_create`, which reports every problem at once (the referral source against the
CIN code list, dates, NHS numbers, an identifiable child) and whose errors come back at the same
field names (`subjects.0.family_name`). Output is the sender's view only: a reference, a status
in words meant for them and, once decided, the feedback written for them (R20, R21).
"""

import datetime as dt
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from safehub.front_door.constants import ConcernCategory, ConsentStatus, LawfulBasis, SubjectRole
from safehub.front_door.services.contact import SubjectInput
from safehub.platform import clock

KIND_REFERRAL = "referral"
KIND_POLICE_NOTIFICATION = "police_notification"
# Named in settings.SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"], so the schema's enum names are stable.
CONTACT_KINDS = [
    (KIND_REFERRAL, "A referral from a professional"),
    (KIND_POLICE_NOTIFICATION, "A police notification (for example a domestic abuse notification)"),
]
CONTACT_SEXES = [("M", "Male"), ("F", "Female"), ("U", "Not known")]
# Every clock starts at received_at, and the dashboard times the hub from it: a partner may send
# what it learnt a few days ago, not back-date a contact by months.
RECEIVED_AT_MAX_AGE = dt.timedelta(days=7)
TRACKING_STATUSES = [
    ("received", "Received"),
    ("being_looked_at", "Being looked at"),
    ("decided", "Decision made"),
]


def _details(given: dict[str, Any]) -> dict[str, str]:
    return {name: value for name, value in given.items() if name != "role" and value}


def _text(max_length: int, help_text: str = "") -> serializers.CharField:
    return serializers.CharField(
        max_length=max_length, required=False, allow_blank=True, default="", help_text=help_text or None
    )


class ContactReferrerInputSerializer(serializers.Serializer):
    """The person who raised the concern. Their agency is the key's agency."""

    name = _text(200)
    role = _text(200, "For example, Response officer or Designated safeguarding lead")
    phone = _text(40)
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    identity_withheld = serializers.BooleanField(
        required=False, default=False, help_text="True if the family must not learn who referred."
    )


class ContactSubjectInputSerializer(serializers.Serializer):
    """A child or adult as the referrer describes them; the MASH links them to its records."""

    role = serializers.ChoiceField(choices=SubjectRole.choices)
    given_name = _text(100)
    family_name = _text(100)
    date_of_birth = _text(10, "YYYY-MM-DD")
    expected_date_of_birth = _text(10, "YYYY-MM-DD; for an unborn child")
    sex = serializers.ChoiceField(choices=CONTACT_SEXES, required=False, allow_blank=True, default="")
    nhs_number = _text(12, "10 digits; spaces allowed")
    postcode = _text(10)
    address_line = _text(300)


class ContactCreateInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=CONTACT_KINDS,
        default=KIND_REFERRAL,
        help_text=(
            "A police notification is recorded on the MASH's police notification channel; "
            "only a police agency's key may send one."
        ),
    )
    external_reference = serializers.CharField(
        max_length=100,
        help_text=(
            "Your system's own id for this message. Sending it again returns the first contact "
            "(200) instead of recording a second one, so retries are safe."
        ),
    )
    referrer = ContactReferrerInputSerializer(required=False)
    referral_source = serializers.CharField(
        max_length=3, help_text="The CIN census referral source code, e.g. 6 for the police, 2A for a school."
    )
    received_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text="When the concern was raised, at most 7 days ago and not in the future; now if left out.",
    )
    summary = serializers.CharField(max_length=20_000, help_text="The concern, in the referrer's words.")
    concerns = serializers.ListField(
        child=serializers.ChoiceField(choices=ConcernCategory.choices), max_length=len(ConcernCategory.values)
    )
    consent = serializers.ChoiceField(choices=ConsentStatus.choices)
    consent_reason = _text(5000, "Required when consent was refused or not sought.")
    lawful_basis = serializers.ChoiceField(
        choices=LawfulBasis.choices,
        default=LawfulBasis.PUBLIC_TASK_SAFEGUARDING,
        help_text="law_enforcement (DPA 2018 Part 3) is for police agencies only.",
    )
    child_not_identified_reason = _text(5000, "Why no child can be named yet, if none can.")
    subjects = ContactSubjectInputSerializer(many=True, max_length=20)  # type: ignore[call-arg]

    def validate_lawful_basis(self, value: str) -> str:
        # Part 3 of the DPA 2018 covers a competent authority's law enforcement processing only.
        if value == LawfulBasis.LAW_ENFORCEMENT and not self.context.get("police"):
            raise serializers.ValidationError(
                "Only a police agency may send under law enforcement processing."
            )
        return value

    def validate_kind(self, value: str) -> str:
        # The channel tells MASH staff the police have already attended; another agency's key
        # must not put its contacts on it.
        if value == KIND_POLICE_NOTIFICATION and not self.context.get("police"):
            raise serializers.ValidationError("Only a police agency may send a police notification.")
        return value

    def validate_received_at(self, value: dt.datetime | None) -> dt.datetime | None:
        if value is None:
            return value
        now = clock.now()
        if value > now:
            raise serializers.ValidationError("received_at cannot be in the future.")
        if value < now - RECEIVED_AT_MAX_AGE:
            raise serializers.ValidationError(
                "received_at can be at most 7 days ago: the MASH's clocks and timeliness figures run "
                "from it. Send an older concern without received_at and give the date in the summary."
            )
        return value

    def validate_external_reference(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("Enter your system's reference for this message.")
        return value.strip()

    def arguments(self) -> dict[str, Any]:
        """The validated body as `contact_create` keyword arguments (less actor, channel, agency)."""
        data = dict(self.validated_data)
        data.pop("kind")
        data.pop("referrer", None)
        data["subjects"] = [
            SubjectInput(role=given["role"], details=_details(given)) for given in data["subjects"]
        ]
        return data

    @property
    def referrer_fields(self) -> dict[str, Any]:
        return dict(self.validated_data.get("referrer") or {})

    @property
    def is_police_notification(self) -> bool:
        return bool(self.validated_data["kind"] == KIND_POLICE_NOTIFICATION)


class ContactStatusSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=TRACKING_STATUSES, source="status_code")
    text = serializers.CharField(source="status_text", help_text="Words to show a person.")


class ContactReceiptOutputSerializer(serializers.Serializer):
    """What a submission answers: the MASH reference to quote, and where to follow it."""

    id = serializers.UUIDField()
    reference = serializers.CharField(help_text='The MASH reference, e.g. "MASH-2026-000123".')
    received_at = serializers.DateTimeField()
    status = ContactStatusSerializer(source="*")
    status_url = serializers.CharField(help_text="The status endpoint for this contact (also in Location).")
    duplicate = serializers.BooleanField(
        help_text="True when this external_reference was already received: nothing new was recorded."
    )


class ContactFeedbackSerializer(serializers.Serializer):
    subject = serializers.CharField(source="feedback_subject")
    body = serializers.CharField(source="feedback_body", help_text="Written for the referrer.")


class ContactStatusOutputSerializer(serializers.Serializer):
    """The sender's view of a contact. Nothing about the RAG rating, the rationale or partners."""

    reference = serializers.CharField()
    received_at = serializers.DateTimeField()
    status = ContactStatusSerializer(source="*")
    decided_at = serializers.DateTimeField(allow_null=True)
    feedback = serializers.SerializerMethodField(
        help_text="What the MASH decided, written for the referrer; null until the decision is made."
    )

    @extend_schema_field(ContactFeedbackSerializer(allow_null=True))
    def get_feedback(self, tracking: Any) -> dict[str, str] | None:
        if not tracking.feedback_body:
            return None
        return dict(ContactFeedbackSerializer(tracking).data)
