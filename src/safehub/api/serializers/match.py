"""Person matching over the API: input and output are separate; every field is listed (R46).

The input is only shaped here (types and lengths); the match service checks the values (a real
date, a valid NHS number or UPN, enough to search on) and its ValidationError comes back as a 400
with the reason at each field, the same reasons the web form and match-file give.
"""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


def _text(max_length: int, help_text: str = "") -> serializers.CharField:
    return serializers.CharField(
        max_length=max_length, required=False, allow_blank=True, default="", help_text=help_text or None
    )


class PersonMatchInputSerializer(serializers.Serializer):
    given_name = _text(100)
    family_name = _text(100)
    date_of_birth = _text(10, "YYYY-MM-DD")
    sex = _text(1, "M, F or U")
    postcode = _text(10)
    address_line = _text(100)
    nhs_number = _text(12, "10 digits; spaces allowed")
    upn = _text(13)

    def query(self) -> dict[str, str]:
        return {name: value for name, value in self.validated_data.items() if value}


class MatchIdentifierOutputSerializer(serializers.Serializer):
    agency = serializers.CharField(help_text="The issuing agency's code, or nhs_number / upn / former_upn")
    value = serializers.CharField()


class MatchExplanationOutputSerializer(serializers.Serializer):
    field = serializers.CharField()
    outcome = serializers.CharField(help_text='"agreed", "partly agreed", "disagreed" or "missing"')
    level = serializers.CharField(help_text="How closely the values agreed")
    weight = serializers.FloatField(help_text="The match weight (log2 Bayes factor) this field added")


class MatchCandidateOutputSerializer(serializers.Serializer):
    person_id = serializers.UUIDField()
    probability = serializers.FloatField(min_value=0, max_value=1)
    identifiers = serializers.SerializerMethodField()
    explanation = MatchExplanationOutputSerializer(many=True)

    @extend_schema_field(MatchIdentifierOutputSerializer(many=True))
    def get_identifiers(self, candidate: Any) -> list[dict[str, str]]:
        return [{"agency": agency, "value": value} for agency, value in candidate.identifiers]


class PersonMatchOutputSerializer(serializers.Serializer):
    candidates = MatchCandidateOutputSerializer(many=True, help_text="At most 10, most likely first")
    restricted_matches = serializers.IntegerField(
        help_text=(
            "MASH roles only (0 for everyone else): how many people the caller may not see would have "
            "been among the candidates. Ask for access to see them."
        )
    )
    model_version = serializers.IntegerField(
        help_text="The matcher model that scored (0 = built-in defaults)"
    )
