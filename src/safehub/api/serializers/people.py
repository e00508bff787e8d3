"""People over the API. Input and output are separate; every field is listed (R46)."""

from typing import Any

from rest_framework import serializers

from safehub.accounts.models import Agency
from safehub.people.constants import (
    AddressKind,
    IdentifierKind,
    NameKind,
    RelationshipKind,
    RiskFlagKind,
    Sensitivity,
    Sex,
)
from safehub.people.models import Person, PersonAddress, PersonIdentifier, PersonName, RiskFlag
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


# --- the parts of a person's record (issue 3, item 1) -------------------------------------------
def _agency_field(*, required: bool = False, help_text: str = "") -> serializers.PrimaryKeyRelatedField:
    return serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.filter(is_active=True),
        required=required,
        allow_null=not required,
        default=None if not required else serializers.empty,
        help_text=help_text or "The id of the agency.",
    )


class PersonAgencyOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()


class NameOutputSerializer(serializers.ModelSerializer):
    source_agency = PersonAgencyOutputSerializer(allow_null=True)

    class Meta:
        model = PersonName
        fields = ["id", "kind", "given_name", "family_name", "valid_from", "valid_to", "source_agency"]
        read_only_fields = fields


class IdentifierOutputSerializer(serializers.ModelSerializer):
    issuing_agency = PersonAgencyOutputSerializer(allow_null=True)

    class Meta:
        model = PersonIdentifier
        fields = ["id", "kind", "value", "issuing_agency", "valid", "removed_at", "removed_reason"]
        read_only_fields = fields


class AddressOutputSerializer(serializers.ModelSerializer):
    line_1 = serializers.CharField(source="address.line_1")
    line_2 = serializers.CharField(source="address.line_2")
    line_3 = serializers.CharField(source="address.line_3")
    town = serializers.CharField(source="address.town")
    postcode = serializers.CharField(source="address.postcode")
    uprn = serializers.CharField(source="address.uprn")
    source_agency = PersonAgencyOutputSerializer(allow_null=True)

    class Meta:
        model = PersonAddress
        fields = [
            "id",
            "kind",
            "line_1",
            "line_2",
            "line_3",
            "town",
            "postcode",
            "uprn",
            "valid_from",
            "valid_to",
            "source_agency",
        ]
        read_only_fields = fields


class RelationshipSideOutputSerializer(serializers.Serializer):
    """One relationship read from this person's side: this person is `kind` of `other_person_id`."""

    id = serializers.UUIDField(source="relationship.pk")
    kind = serializers.ChoiceField(choices=RelationshipKind.choices)
    other_person_id = serializers.UUIDField(source="other.pk")
    other_person_name = serializers.CharField(source="other")
    valid_from = serializers.DateField(source="relationship.valid_from", allow_null=True)
    valid_to = serializers.DateField(source="relationship.valid_to", allow_null=True)


class RiskFlagOutputSerializer(serializers.ModelSerializer):
    source_agency = PersonAgencyOutputSerializer()

    class Meta:
        model = RiskFlag
        fields = [
            "id",
            "kind",
            "source_agency",
            "starts_on",
            "ends_on",
            "review_on",
            "reviewed_on",
            "sensitivity",
            "note",
        ]
        read_only_fields = fields


class PersonRecordOutputSerializer(serializers.Serializer):
    """A person with every part of their record the caller may see (sensitive flags by the rule in
    `safehub.people.record`; relationships to people the caller may not see are left out)."""

    person = PersonOutputSerializer()
    names = NameOutputSerializer(many=True)
    identifiers = IdentifierOutputSerializer(many=True)
    addresses = AddressOutputSerializer(many=True)
    relationships = RelationshipSideOutputSerializer(many=True)
    risk_flags = RiskFlagOutputSerializer(many=True, source="flags")

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        # The person's own fields at the top level, as before, with the record's parts beside them.
        return {**data.pop("person"), **data}


class _PeriodInput(serializers.Serializer):
    valid_from = serializers.DateField(required=False, allow_null=True, default=None)
    valid_to = serializers.DateField(required=False, allow_null=True, default=None)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("valid_from"), attrs.get("valid_to")
        if start and end and end < start:
            raise serializers.ValidationError(
                {"valid_to": ["The end date must be on or after the start date."]}
            )
        return attrs


# Named in settings.SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"], so the schema's enum names are stable.
ADDABLE_NAME_KINDS = [c for c in NameKind.choices if c[0] != NameKind.CURRENT]
ADDABLE_IDENTIFIER_KINDS = [c for c in IdentifierKind.choices if c[0] != IdentifierKind.NHS_NUMBER]


class NameInputSerializer(_PeriodInput):
    kind = serializers.ChoiceField(choices=ADDABLE_NAME_KINDS)
    given_name = serializers.CharField(max_length=NAME_LENGTH)
    family_name = serializers.CharField(max_length=NAME_LENGTH)
    source_agency = _agency_field()


class IdentifierInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=ADDABLE_IDENTIFIER_KINDS,
        help_text="The NHS number is changed on the person (PATCH), which keeps the old one.",
    )
    value = serializers.CharField(max_length=64)
    issuing_agency = _agency_field(help_text="Required for agency_id and police_reference.")


class AddressInputSerializer(_PeriodInput):
    kind = serializers.ChoiceField(choices=AddressKind.choices, default=AddressKind.HOME)
    line_1 = serializers.CharField(max_length=200)
    line_2 = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    line_3 = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    town = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    postcode = serializers.CharField(
        max_length=10, required=False, allow_blank=True, default="", help_text="Blank for no fixed abode."
    )
    uprn = serializers.CharField(max_length=12, required=False, allow_blank=True, default="")
    source_agency = _agency_field()

    ADDRESS_FIELDS = ("line_1", "line_2", "line_3", "town", "postcode", "uprn")

    def split(self) -> tuple[dict[str, Any], dict[str, Any]]:
        data = dict(self.validated_data)
        address = {name: data.pop(name) for name in self.ADDRESS_FIELDS}
        return data, address


class RelationshipInputSerializer(_PeriodInput):
    kind = serializers.ChoiceField(
        choices=RelationshipKind.choices, help_text="What this person is to the other (e.g. parent)."
    )
    other_person = serializers.UUIDField(help_text="The id of the other person.")
    source_agency = _agency_field()


class RiskFlagInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=RiskFlagKind.choices)
    source_agency = _agency_field(required=True, help_text="The agency that raised the flag.")
    starts_on = serializers.DateField()
    review_on = serializers.DateField()
    sensitivity = serializers.ChoiceField(choices=Sensitivity.choices, default=Sensitivity.NORMAL)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
