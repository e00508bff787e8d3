"""The match profile: one row per person of the normalised values the matcher scores (ADR 0002, 3)."""

from django.db import models

from ..normalise import ProfileValues
from .person import Person


class PersonMatchProfile(models.Model):
    """Derived data, rebuilt with the blocking keys by `person_refresh_match_keys` (and by the bulk
    import) whenever its inputs change; never edited by a person, so not history-tracked.

    One row per person, so fetching a hundred candidates is one indexed read with no joins. Fields
    with several values over time hold them normalised and "|"-joined, the current one first.
    """

    person = models.OneToOneField(
        Person, primary_key=True, on_delete=models.CASCADE, related_name="match_profile"
    )
    given_names = models.CharField(max_length=500, blank=True)
    family_names = models.CharField(max_length=500, blank=True)
    date_of_birth = models.DateField(null=True)
    # "M", "F", or "" when not known (normalise.normalise_sex).
    sex = models.CharField(max_length=1, blank=True)
    # Upper case without the space ("SW1A1AA"): current address first, then previous ones.
    postcodes = models.CharField(max_length=200, blank=True)
    nhs_number = models.CharField(max_length=10, blank=True)
    upns = models.CharField(max_length=100, blank=True)

    def __str__(self) -> str:
        return f"Match profile of {self.person_id}"

    def values(self) -> ProfileValues:
        """The stored values as the matcher's `ProfileValues` (already normalised)."""
        return ProfileValues.from_stored(
            given_names=self.given_names,
            family_names=self.family_names,
            date_of_birth=self.date_of_birth,
            sex=self.sex,
            postcodes=self.postcodes,
            nhs_number=self.nhs_number,
            upns=self.upns,
        )
