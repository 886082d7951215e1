"""Progress arithmetic, in one place: counted totals and percentages per status."""

from collections.abc import Iterable
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.utils.functional import Promise

from .statuses import COUNTED, ProjectStatus


def percent(part: int, whole: int) -> Decimal | None:
    """part ÷ whole as a percentage with one decimal place; None when nothing is counted."""
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Progress:
    """Counts per counted status (statuses.COUNTED). Proposed and cancelled ones never count."""

    completed: int = 0
    ongoing: int = 0
    planned: int = 0
    postponed: int = 0

    @cached_property
    def total(self) -> int:
        return self.completed + self.ongoing + self.planned + self.postponed

    def count(self, status: str) -> int:
        return getattr(self, status)

    def percent(self, status: str) -> Decimal | None:
        return percent(self.count(status), self.total)

    @property
    def completion(self) -> Decimal | None:
        return self.percent(ProjectStatus.COMPLETED)

    def segments(self) -> list[dict]:
        """One entry per status, in display order, for tables and the stacked bar.

        `offset` is the sum of the counts before it: where its rectangle starts in the bar.
        """
        entries, offset, total = [], 0, self.total
        for status, label in LABELLED:
            count = getattr(self, status)
            entries.append(
                {
                    "status": status,
                    "label": label,
                    "count": count,
                    "percent": percent(count, total),
                    "offset": offset,
                }
            )
            offset += count
        return entries

    @classmethod
    def sum(cls, parts: Iterable["Progress"]) -> "Progress":
        """The counts of `parts` added up, status by status (a body's thousand plans)."""
        totals = dict.fromkeys(NAMES, 0)
        for part in parts:
            for name in NAMES:
                totals[name] += getattr(part, name)
        return cls(**totals)

    def __add__(self, other: "Progress") -> "Progress":
        return Progress.sum((self, other))


NAMES: tuple[str, ...] = tuple(f.name for f in fields(Progress))
# The counted statuses with their (lazy) labels, in display order: a thousand-row annex
# reads them for every row.
LABELLED: tuple[tuple[str, Promise | str], ...] = tuple(
    (status.value, status.label) for status in COUNTED
)
