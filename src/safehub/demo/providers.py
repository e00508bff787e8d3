"""The providers the demo city places children with, as the 903 names them (issue 7): Ofsted
unique reference numbers (URNs), synthetic but shaped like the SC numbers Ofsted gives social
care providers, so that each placement that needs one has one (903 rule 218)."""

# The city's own fostering service, the independent fostering agency it buys places from, its
# adoption agency, and the other registered providers it uses (supported accommodation).
CITY_FOSTERING_URN = "SC816001"
AGENCY_FOSTERING_URN = "SC816002"
ADOPTION_URN = "SC816003"
PROVIDER_URN = "SC816004"
# Placement types the 903 asks no URN for (rule 218's list): with parents, independent living,
# NHS, custody, hospitals, family centres and the like.
NO_URN_PLACEMENTS = frozenset(
    {"P1", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z11", "Z12", "Z13", "Z14"}
)


def placement_urn(placement_type: str, provider: str) -> str:
    """The URN for a placement whose story named none: the fostering service or agency that
    approved the carers, the adoption agency, or the provider."""
    if placement_type in NO_URN_PLACEMENTS:
        return ""
    if placement_type.startswith("U"):  # foster care: the fostering service's URN
        return AGENCY_FOSTERING_URN if provider == "PR4" else CITY_FOSTERING_URN
    if placement_type.startswith("A"):  # placed for adoption
        return ADOPTION_URN
    return PROVIDER_URN
