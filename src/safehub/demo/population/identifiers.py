"""Synthetic NHS numbers and Unique Pupil Numbers, unique within a population without a set.

NHS numbers come from `nhs_number.generate` in a sub-range of the never-issued synthetic range
(T18); a bitmap of the nine-digit stems keeps them unique in a fixed 11 MB, whatever the count.
UPNs are built by `safehub.people.identifiers.make_upn` (the DfE format and check letter, so the
importer accepts them) from a counter, with local authority numbers no council has.
"""

import random

import nhs_number
from nhs_number.constants import Range, Region

from safehub.people.identifiers import make_upn

from .constants import UPN_INDEX_LA_BASE, UPN_OUTSIDER_LA

_BATCH = 4096
# Establishment numbers of schools run from 1000 to 7999; serials 000 to 999 within each.
_FIRST_ESTABLISHMENT, _ESTABLISHMENTS = 1000, 7000


class NhsNumberSource:
    """Unique valid NHS numbers from [start, end], drawn in batches and reproducible for a seed."""

    def __init__(self, *, seed: int, start: int, end: int) -> None:
        # Reproducible synthetic data, not secrets.
        self._rng = random.Random(seed)  # noqa: S311  # nosec B311
        self._region = Region("Safehub synthetic", ["synthetic"], [Range(start, end, "Safehub synthetic")])
        self._low = start // 10
        self._seen = bytearray((end // 10 - self._low) // 8 + 1)
        self._ready: list[str] = []

    def next(self) -> str:
        while not self._ready:
            self._refill()
        return self._ready.pop()

    def _refill(self) -> None:
        # `nhs_number.generate` draws from the module-level `random`: seed it from our own
        # generator and put its state back, so nobody else's randomness is disturbed.
        state = random.getstate()
        random.seed(self._rng.getrandbits(64))
        try:
            batch = nhs_number.generate(for_region=self._region, quantity=_BATCH)
        finally:
            random.setstate(state)
        fresh = []
        for number in batch:
            offset = int(number) // 10 - self._low
            byte, bit = offset >> 3, 1 << (offset & 7)
            # One repeated digit (9999999999) passes modulus 11 but is a "not known" placeholder
            # that the person index refuses.
            if not self._seen[byte] & bit and number != number[0] * 10:
                self._seen[byte] |= bit
                fresh.append(number)
        fresh.reverse()  # pop() from the end keeps the generated order
        self._ready = fresh


class UpnSource:
    """Unique UPNs from a counter: index people over ten local authority numbers, people outside
    the index over one number of their own, so the two can never share a UPN."""

    def __init__(self, *, outsider: bool = False) -> None:
        self._authorities = 1 if outsider else 10
        self._base = UPN_OUTSIDER_LA if outsider else UPN_INDEX_LA_BASE
        self._count = 0

    def next(self, *, year: int) -> str:
        k, self._count = self._count, self._count + 1
        # (authority, establishment, serial) is a mixed-radix form of k, so unique whatever the year.
        k, authority = divmod(k, self._authorities)
        serial, establishment = divmod(k, _ESTABLISHMENTS)
        return make_upn(
            la_code=self._base + authority,
            establishment=_FIRST_ESTABLISHMENT + establishment,
            year=year % 100,
            serial=serial % 1000,
        )
