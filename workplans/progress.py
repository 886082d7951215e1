"""Progress arithmetic, in one place: counted totals and percentages per status."""

from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

# The order in which statuses are shown, in tables and in the stacked bar.
ORDER = ("completed", "ongoing", "planned", "postponed")
LABELS = {
    "completed": _("Completed"),
    "ongoing": _("Ongoing or annual"),
    "planned": _("Planned"),
    "postponed": _("Postponed"),
}


def percent(part: int, whole: int) -> Decimal | None:
    """part ÷ whole as a percentage with one decimal place; None when nothing is counted."""
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Progress:
    """Counts per counted status. Proposed and cancelled projects are never part of it."""

    completed: int = 0
    ongoing: int = 0
    planned: int = 0
    postponed: int = 0

    @classmethod
    def from_row(cls, row, prefix: str) -> "Progress | None":
        """Read `<prefix>completed`… attributes of an annotated row; None if they are all null."""
        values = {f.name: getattr(row, prefix + f.name) for f in fields(cls)}
        if all(v is None for v in values.values()):
            return None
        return cls(**{name: value or 0 for name, value in values.items()})

    @property
    def total(self) -> int:
        return self.completed + self.ongoing + self.planned + self.postponed

    def count(self, status: str) -> int:
        return getattr(self, status)

    def percent(self, status: str) -> Decimal | None:
        return percent(self.count(status), self.total)

    @property
    def completion(self) -> Decimal | None:
        return self.percent("completed")

    def segments(self) -> list[dict]:
        """One entry per status, in display order, for tables and the stacked bar.

        `offset` is the sum of the counts before it: where its rectangle starts in the bar.
        """
        entries, offset = [], 0
        for status in ORDER:
            count = self.count(status)
            entries.append(
                {
                    "status": status,
                    "label": LABELS[status],
                    "count": count,
                    "percent": self.percent(status),
                    "offset": offset,
                }
            )
            offset += count
        return entries

    def __add__(self, other: "Progress") -> "Progress":
        return Progress(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )
