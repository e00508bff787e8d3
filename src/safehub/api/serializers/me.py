"""Who the caller is, as the API sees them."""

from rest_framework import serializers


class AgencyOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    kind = serializers.CharField()


class KeyOutputSerializer(serializers.Serializer):
    prefix = serializers.CharField()
    name = serializers.CharField()
    expires_at = serializers.DateTimeField()


class MeOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(help_text="The user the request acts as (for a key, its system user).")
    email = serializers.EmailField()
    full_name = serializers.CharField()
    role = serializers.CharField()
    agency = AgencyOutputSerializer(allow_null=True)
    authentication = serializers.ChoiceField(choices=["session", "api_key"])
    capabilities = serializers.ListField(child=serializers.CharField(), help_text="What the role allows.")
    scopes = serializers.ListField(
        child=serializers.CharField(), help_text="A key's scopes; empty for a signed-in session."
    )
    key = KeyOutputSerializer(allow_null=True, help_text="The key used, if any.")
