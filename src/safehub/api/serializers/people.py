"""People over the API. Input and output are separate; every field is listed (R46)."""

from typing import Any

from rest_framework import serializers

from safehub.people.constants import Sex
from safehub.people.models import Person
from safehub.people.selectors import PersonSearch

NAME_LENGTH = 100


class PersonSearchInputSerializer(serializers.Serializer):
    """A search needs a family name with a given name or date of birth, or an NHS number (R45)."""

    family_name = serializers.CharField(max_length=NAME_LENGTH, required=False, allow_blank=True, default="")
    given_name = serializers.CharField(max_length=NAME_LENGTH, required=False, allow_blank=True, default="")
    date_of_birth = serializers.DateField(required=False, allow_null=True, default=None)
    nhs_number = serializers.RegexField(
        r"^\d{10}$",
        required=False,
        allow_blank=True,
        default="",
        error_messages={"invalid": "Enter an NHS number as 10 digits, without spaces."},
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if PersonSearch(**attrs).is_specific_enough():
            return attrs
        if not attrs["family_name"]:
            raise serializers.ValidationError(
                {"family_name": ["Enter a family name, or search by NHS number."]}, code="required"
            )
        raise serializers.ValidationError(
            {"date_of_birth": ["Enter a date of birth or a given name to search with a family name."]},
            code="required",
        )

    def criteria(self) -> PersonSearch:
        return PersonSearch(**self.validated_data)


class PersonOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = [
            "id",
            "given_name",
            "family_name",
            "preferred_name",
            "date_of_birth",
            "expected_date_of_birth",
            "sex",
            "nhs_number",
            "version",
            "updated_at",
        ]
        read_only_fields = fields


class PersonSearchOutputSerializer(serializers.Serializer):
    results = PersonOutputSerializer(many=True, source="people")
    truncated = serializers.BooleanField(
        help_text="True when more people matched than the result cap; add criteria to narrow the search."
    )


class _PersonFieldsSerializer(serializers.Serializer):
    given_name = serializers.CharField(max_length=NAME_LENGTH)
    family_name = serializers.CharField(max_length=NAME_LENGTH)
    preferred_name = serializers.CharField(max_length=NAME_LENGTH, required=False, allow_blank=True)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    expected_date_of_birth = serializers.DateField(required=False, allow_null=True)
    sex = serializers.ChoiceField(choices=Sex.choices, required=False)
    nhs_number = serializers.CharField(max_length=10, required=False, allow_blank=True)


class PersonCreateInputSerializer(_PersonFieldsSerializer):
    pass


class PersonUpdateInputSerializer(_PersonFieldsSerializer):
    """Send only the fields to change, with the `version` you read (R49)."""

    given_name = serializers.CharField(max_length=NAME_LENGTH, required=False)
    family_name = serializers.CharField(max_length=NAME_LENGTH, required=False)
    version = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, help_text="The version you read; a 409 means someone saved since."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if len(attrs) == 1:
            raise serializers.ValidationError("Send at least one field to change with the version.")
        return attrs

    def changes(self) -> tuple[int, dict[str, Any]]:
        data = dict(self.validated_data)
        return data.pop("version"), data
