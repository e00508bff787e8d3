"""The built-in model (version 0): hand-set m and u probabilities, used until one is trained.

Set so that matching works on a new installation, before `safehub people train-matcher` has run,
and so that a trained model replaces them rather than refines them. The reasoning, per level
(m = how often the same person's two records agree at this level; u = how often two different
people's records do):

- names: an exact name is shared by roughly 1 in 200 unrelated people (given) and 1 in 500
  (family); typing errors move 5-10% of true pairs into the Jaro-Winkler levels.
- date of birth: about 1 in 3,000 unrelated people share one exactly (eighteen years of children
  in one index); a day/month swap is rare in true pairs (2%) and rarer by chance.
- postcode: 1 in 20,000 unrelated people share a postcode; 15% of true pairs have moved.
- NHS number and UPN: shared by chance only through an error, so u is set very small, as the
  trained model sets it by hand (ADR 0002 section 7).
- sex: half of unrelated pairs agree; a disagreement is strong evidence against.

The prior (lambda, the chance that two records picked at random are one person) is low, so that
a name alone never reaches p = 0.9: it needs a date of birth, a postcode or an identifier too.
"""

DEFAULT_VERSION = 0
DEFAULT_LAMBDA = 1e-6

# Per comparison: (m, u) for each non-null level, in `levels.FIELDS` order.
DEFAULT_PROBABILITIES: dict[str, tuple[tuple[float, float], ...]] = {
    "given_name": (
        (0.84, 0.005),
        (0.01, 0.00001),
        (0.07, 0.002),
        (0.03, 0.005),
        (0.03, 0.05),
        (0.02, 0.93799),
    ),
    "family_name": (
        (0.84, 0.002),
        (0.01, 0.00001),
        (0.07, 0.001),
        (0.03, 0.003),
        (0.03, 0.04),
        (0.02, 0.95399),
    ),
    "date_of_birth": ((0.90, 0.0003), (0.02, 0.00003), (0.04, 0.01), (0.02, 0.05), (0.02, 0.93967)),
    "postcode": (
        (0.68, 0.00005),
        (0.03, 0.0002),
        (0.04, 0.0005),
        (0.05, 0.005),
        (0.05, 0.05),
        (0.15, 0.94425),
    ),
    "nhs_number": ((0.95, 1e-6), (0.03, 1e-6), (0.02, 0.999998)),
    "upn": ((0.95, 1e-6), (0.05, 0.999999)),
    "sex": ((0.98, 0.5), (0.02, 0.5)),
}
