"""A plan's figures over time: each report, then the live count, for the trend charts."""

from dataclasses import dataclass
from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import StatusReport
from .progress import Progress
from .provenance import report_when
from .selectors import PlanProgress
from .statuses import COUNTED

# The chart's drawing box, in SVG user units; the SVG scales to its container.
WIDTH, HEIGHT, GAP = 100, 60, 4


@dataclass
class Bar:
    x: float
    width: float
    segments: list[dict]  # status, label, count, y, height


@dataclass
class TrendPoint:
    when: str
    progress: Progress
    live: bool = False
    source: str = ""


@dataclass
class Trend:
    points: list[TrendPoint]

    @property
    def bars(self) -> list[Bar]:
        """Stacked bars, one per point, heights proportional to counts (same scale for all)."""
        if not self.points:
            return []
        tallest = max(p.progress.total for p in self.points) or 1
        width = (WIDTH - GAP * (len(self.points) - 1)) / len(self.points)
        bars = []
        for index, point in enumerate(self.points):
            y = float(HEIGHT)
            segments = []
            for status in COUNTED:
                count = point.progress.count(status)
                height = HEIGHT * count / tallest
                y -= height
                segments.append(
                    {
                        "status": status.value,
                        "label": status.label,
                        "count": count,
                        "y": round(y, 3),
                        "height": round(height, 3),
                    }
                )
            bars.append(Bar(round(index * (width + GAP), 3), round(width, 3), segments))
        return bars

    @property
    def completions(self) -> str:
        """'22.6 % → 25.8 %': the completion at each point, for the small trend on a card."""
        return " → ".join(
            "—" if p.progress.completion is None else f"{p.progress.completion} %"
            for p in self.points
        )


def plan_trend(progress: PlanProgress, reports: list[StatusReport], today: date) -> Trend:
    """The plan's reports, oldest first, then its live count when it has itemized projects.

    As of a past day: the reports made by then, then the count at the end of that day.
    """
    if progress.as_of:
        reports = [r for r in reports if r.reported_on <= progress.as_of]
    points = [
        TrendPoint(report_when(r), r.progress, source=str(r.meeting or r.source_title))
        for r in sorted(reports, key=lambda r: (r.reported_on, r.pk))
    ]
    if progress.live is not None:
        points.append(
            TrendPoint(
                (_("as of %(date)s") if progress.as_of else _("live, %(date)s"))
                % {"date": date_format(progress.as_of or today, "DATE_FORMAT")},
                progress.live,
                live=True,
            )
        )
    return Trend(points)
