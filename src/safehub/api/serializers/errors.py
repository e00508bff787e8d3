"""The error format, described for the OpenAPI schema (the handler in api/errors.py produces it)."""

from rest_framework import serializers


class ConflictDetailSerializer(serializers.Serializer):
    changed_by = serializers.CharField(allow_null=True, help_text="Who saved the record after you read it.")
    changed_at = serializers.DateTimeField(allow_null=True, help_text="When they saved it (UTC).")
    current_version = serializers.IntegerField(help_text="Send this `version` after reviewing the change.")
    your_version = serializers.IntegerField(help_text="The `version` you sent.")
    changed_fields = serializers.ListField(child=serializers.CharField(), help_text="Fields they changed.")


class ErrorDetailSerializer(serializers.Serializer):
    status = serializers.IntegerField(help_text="The HTTP status, repeated.")
    code = serializers.ChoiceField(
        choices=[
            "validation_error",
            "parse_error",
            "not_authenticated",
            "authentication_failed",
            "permission_denied",
            "mfa_required",
            "not_found",
            "method_not_allowed",
            "not_acceptable",
            "conflict",
            "unsupported_media_type",
            "throttled",
            "server_error",
        ],
        help_text="A stable machine-readable reason. Branch on this, not on `message`.",
    )
    message = serializers.CharField(help_text="A sentence for a person to read.")
    request_id = serializers.CharField(
        help_text="Quote this when reporting a problem; it is in the audit trail."
    )
    # Named "fields" in the format; the serializer attribute it shadows is only used by DRF itself.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Validation errors only: each field's messages. `non_field_errors` holds the rest.",
    )
    conflict = ConflictDetailSerializer(required=False, help_text="409 only: who changed the record, when.")


class ErrorResponseSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()
