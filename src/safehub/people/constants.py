"""Code lists for people. Sex follows the CIN census / SSDA903 codes (1 male, 2 female, 0/9 unknown)."""

from django.db import models

# A search must return no more than this many people; ask for more criteria instead (R45).
SEARCH_RESULT_CAP = 50


class Sex(models.TextChoices):
    MALE = "1", "Male"
    FEMALE = "2", "Female"
    UNKNOWN = "0", "Not known"
    UNBORN = "9", "Not stated / unborn"
