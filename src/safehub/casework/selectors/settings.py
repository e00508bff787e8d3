"""Reads of the local timescale settings, for the settings page (no personal data)."""

from dataclasses import dataclass

from ..constants import LOCAL_TIMESCALE_DEFAULTS, LocalTimescale, TimescaleUnit
from ..models import TimescaleSetting


def _words(amount: int, unit: str) -> str:
    label = str(TimescaleUnit(unit).label)
    return f"{amount} {label[:-1] if amount == 1 else label}"


@dataclass(frozen=True)
class TimescaleRow:
    key: str
    label: str
    amount: int
    unit: str
    default_amount: int
    default_unit: str
    setting: TimescaleSetting | None

    @property
    def value(self) -> str:
        return _words(self.amount, self.unit)

    @property
    def default(self) -> str:
        return _words(self.default_amount, self.default_unit)

    @property
    def changed(self) -> bool:
        return (self.amount, self.unit) != (self.default_amount, self.default_unit)


def timescale_rows() -> list[TimescaleRow]:
    """Each local timescale: the value in force, the default, and who set it and why. One query."""
    settings = {s.key: s for s in TimescaleSetting.objects.select_related("updated_by")}
    rows = []
    for key in LocalTimescale:
        default_amount, default_unit = LOCAL_TIMESCALE_DEFAULTS[key]
        setting = settings.get(key)
        rows.append(
            TimescaleRow(
                key=key.value,
                label=key.label,
                amount=setting.amount if setting else default_amount,
                unit=setting.unit if setting else default_unit,
                default_amount=default_amount,
                default_unit=default_unit,
                setting=setting,
            )
        )
    return rows
