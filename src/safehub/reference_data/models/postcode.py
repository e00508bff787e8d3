"""Where a postcode is, to work out distances (a placement from home; a household from a child).

Loaded by `load_postcode_locations` from a CSV the council supplies (for example the ONS Postcode
Directory or OS Code-Point Open, both under the Open Government Licence), as British National Grid
eastings and northings in metres, so a distance is plain geometry. The demo city seeds its own.
"""

from django.db import models


class PostcodeLocation(models.Model):
    postcode = models.CharField(
        max_length=8, primary_key=True, help_text="Normalised: upper case, one space."
    )
    easting = models.PositiveIntegerField()
    northing = models.PositiveIntegerField()
    local_authority = models.CharField(max_length=9, blank=True, help_text="ONS code, e.g. E08000035.")

    class Meta:
        ordering = ["postcode"]

    def __str__(self) -> str:
        return self.postcode
