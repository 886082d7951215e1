"""Reads of the meeting cycle: meetings by body, kind and year; a meeting's business; chairs."""

from dataclasses import dataclass
from datetime import date

import django_filters
from django.db.models import Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from .models import Body, Chairmanship, Meeting, StatusChange, StatusReport
from .statuses import ProjectStatus
from .tables.filters import FreshFilterSet


class MeetingFilter(FreshFilterSet):
    """Filter meetings by body, kind and year; the year choices come from one DISTINCT query."""

    body = django_filters.ModelChoiceFilter(
        label=_("Body"), queryset=Body.objects.all(), field_name="body"
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Meeting.Kind.choices)
    year = django_filters.TypedChoiceFilter(
        label=_("Year"), coerce=int, method="filter_year", choices=()
    )

    class Meta:
        model = Meeting
        fields = ["body", "kind", "year"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        years = (
            Meeting.objects.annotate(year=ExtractYear("start_date"))
            .order_by("-year")
            .values_list("year", flat=True)
            .distinct()
        )
        self.filters["year"].extra["choices"] = [(year, year) for year in years]

    def filter_year(self, queryset: QuerySet[Meeting], name: str, value: int) -> QuerySet[Meeting]:
        # A meeting belongs to each year its dates touch.
        return queryset.filter(
            Q(start_date__year=value) | Q(start_date__year__lt=value, end_date__year__gte=value)
        )


def meetings() -> QuerySet[Meeting]:
    """Every meeting with what its list shows, in one query: latest first, upcoming ones too."""
    return Meeting.objects.select_related("body", "host_country").order_by(
        "-start_date", "body__position", "kind"
    )


@dataclass
class MeetingBusiness:
    """What happened at a meeting, as the tracker holds it."""

    reports: list[StatusReport]
    adopted: list[StatusChange]
    declined: list[StatusChange]
    changes: list[StatusChange]
    previous: Meeting | None
    next: Meeting | None


def meeting_business(meeting: Meeting) -> MeetingBusiness:
    """The reports presented at `meeting`, the proposals decided there, and its neighbours."""
    reports = list(meeting.reports.select_related("plan", "recorded_by").order_by("plan__title"))
    changes = list(
        StatusChange.objects.filter(meeting=meeting)
        .select_related("project__plan", "changed_by")
        .order_by("changed_at", "pk")
    )
    decided = [c for c in changes if c.from_status == ProjectStatus.PROPOSED]
    return MeetingBusiness(
        reports=reports,
        adopted=[c for c in decided if c.to_status == ProjectStatus.PLANNED],
        declined=[c for c in decided if c.to_status == ProjectStatus.CANCELLED],
        changes=[c for c in changes if c not in decided],
        previous=_neighbour(meeting, later=False),
        next=_neighbour(meeting, later=True),
    )


def _neighbour(meeting: Meeting, *, later: bool) -> Meeting | None:
    """The meeting of the same body and kind just before or after `meeting` (by date, then pk)."""
    after = "gt" if later else "lt"
    sign = "" if later else "-"
    return (
        Meeting.objects.filter(body=meeting.body_id, kind=meeting.kind)
        .filter(
            Q(**{f"start_date__{after}": meeting.start_date})
            | Q(start_date=meeting.start_date, **{f"pk__{after}": meeting.pk})
        )
        .order_by(f"{sign}start_date", f"{sign}pk")
        .first()
    )


@dataclass
class ChairRow:
    chair: Chairmanship
    left: float  # position on the timeline, in % of its width
    width: float
    y: int = 0  # in pixels, from the top of the timeline


ROW_HEIGHT = 24


@dataclass
class BodyChairs:
    body: Body
    rows: list[ChairRow]

    @property
    def height(self) -> int:
        return ROW_HEIGHT * len(self.rows) + 4


def chair_rotation(today: date) -> tuple[list[BodyChairs], range]:
    """Each body's chairs, and their place on one timeline spanning every known term."""
    chairs = list(Chairmanship.objects.select_related("body", "country"))
    years = [y for c in chairs for y in (c.start_year, c.end_year) if y]
    first, last = (min(years), max(max(years), today.year)) if years else (today.year, today.year)
    span = last - first + 1
    groups: dict[int, BodyChairs] = {}
    for chair in chairs:
        group = groups.setdefault(chair.body_id, BodyChairs(chair.body, []))
        if chair.start_year and chair.end_year:
            left = (chair.start_year - first) / span * 100
            width = (chair.end_year - chair.start_year + 1) / span * 100
        else:
            left = width = 0.0  # a term without known years has no place on the timeline
        y = ROW_HEIGHT * len(group.rows) + 4
        group.rows.append(ChairRow(chair, round(left, 2), round(width, 2), y))
    bodies = sorted(groups.values(), key=lambda g: (g.body.position, g.body.short_name))
    return bodies, range(first, last + 1)
