"""The API's endpoints: read-only, a constant number of queries per request whatever the
page size, the tables' filters and sorts, `as_of` as on the pages."""

from datetime import UTC, datetime

from django.db import connection
from django.db.models import (
    DateTimeField,
    F,
    IntegerField,
    Value,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from ..meetings import MeetingFilter
from ..models import (
    Body,
    Chairmanship,
    Meeting,
    Milestone,
    StatusReport,
    Target,
    WorkPlan,
)
from ..querysets import status_field
from ..selectors import listed_projects, progress_of
from ..tables.filters import PlanFilter, ProjectFilter
from ..tables.projects import BY_PLAN
from ..views.paging import WALKED_PLANS, walked_counts
from . import serializers
from .access import as_of

AS_OF = OpenApiParameter(
    "as_of",
    OpenApiTypes.DATE,
    description="Figures at the end of this day (YYYY-MM-DD), rebuilt from the audit trail.",
)
# Before and after any recorded change: where a never-updated project's last update sorts.
NEVER = datetime(1970, 1, 1, tzinfo=UTC)
FUTURE = datetime(9999, 1, 1, tzinfo=UTC)


class ReadOnly(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    pass


class BodyViewSet(ReadOnly):
    queryset = Body.objects.prefetch_related("members")
    serializer_class = serializers.BodySerializer
    lookup_field = "code"


@extend_schema_view(
    list=extend_schema(parameters=[AS_OF]), retrieve=extend_schema(parameters=[AS_OF])
)
class PlanViewSet(ReadOnly):
    """Work plans with their progress: the figures shown first (`basis` says which), the live
    counts (with the day they hold on) and the latest report (with its dates and source)."""

    serializer_class = serializers.PlanSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = PlanFilter
    lookup_field = "slug"

    def get_queryset(self):
        return WorkPlan.objects.with_reports(as_of(self.request))

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        progresses = progress_of(page or [], as_of(request))
        return self.get_paginated_response([self.get_serializer(p).data for p in progresses])

    def retrieve(self, request, *args, **kwargs):
        plan = get_object_or_404(self.get_queryset(), slug=kwargs["slug"])
        return Response(self.get_serializer(progress_of([plan], as_of(request))[0]).data)


def _nulls(field: str):
    """`field`, its empty values sorting where this database sorts NULLs (PostgreSQL: after
    everything; SQLite: before), as the tables do, but never null: a cursor compares its
    position with it."""
    largest = connection.features.nulls_order_largest
    if field in ("year", "priority_area__number", "plan__start_year"):
        # Output as a plain integer: a key outside the field's own range (-1 for a positive
        # field) would make Django drop the cursor's comparisons with it as never true.
        return Coalesce(field, Value(32767 if largest else -1), output_field=IntegerField())
    return Coalesce(field, Value(FUTURE if largest else NEVER), output_field=DateTimeField())


# Sorted by plan, the plan's id is the fifth key (sort_keys).
PLAN_KEY = 4


def sort_keys(name: str, status: str) -> list[tuple]:
    """The table's sort `name` as keys (expression, descending, fixed): `fixed` keys keep
    their direction when the sort is reversed (the tables put projects without a lead
    country last both ways)."""
    by_plan = [
        (F("plan__body__position"), False, False),
        (F("plan__body__short_name"), False, False),
        (_nulls("plan__start_year"), True, False),
        (F("plan__title"), False, False),
        (F("plan_id"), False, False),
        (F("code"), False, False),
    ]
    keys = {
        "code": [(F("code"), False, False)],
        "title": [(F("title"), False, False)],
        "lead_countries": [(F("lead_key"), False, False)],
        "priority_area": [(_nulls("priority_area__number"), False, False)],
        "year": [(_nulls("year"), False, False)],
        "status": [(F(status), False, False)],
        "status_changed_at": [(_nulls("last_update"), False, False)],
        # Both as the tables (PLAN_ORDER): the plans in the dashboard's order, then codes.
        "body": by_plan,
        "plan": by_plan,
    }
    return keys[name]


SORTS = (
    *("code", "title", "lead_countries", "priority_area", "year", "status"),
    *("body", "plan", "status_changed_at"),
)


class KeptFilterBackend(DjangoFilterBackend):
    """The filters, kept on the view once applied (ProjectViewSet.narrow reads their plans)."""

    def get_filterset(self, request, queryset, view):
        view.filterset = super().get_filterset(request, queryset, view)
        return view.filterset


@extend_schema_view(
    list=extend_schema(
        parameters=[
            AS_OF,
            OpenApiParameter(
                "sort",
                str,
                description="As the tables: " + ", ".join(SORTS) + "; a leading '-' reverses.",
            ),
        ]
    ),
    retrieve=extend_schema(parameters=[AS_OF]),
)
class ProjectViewSet(ReadOnly):
    """Projects and activities, filtered and sorted as the project tables are."""

    serializer_class = serializers.ProjectSerializer
    filter_backends = [KeptFilterBackend]
    filterset_class = ProjectFilter
    sort_ordering: tuple[str, ...] = ()
    sort = "plan"
    filterset: ProjectFilter | None = None

    def narrow(self, rows, keys: list | None, back: bool, needed: int):
        """Sorted by plan, on PostgreSQL: the rows of the plans that hold the page, found by
        counting the rows of the filters' plans one plan after another in the sort's order,
        from the cursor's (paging.walked_counts), up to `needed` rows. The database then
        sorts a few plans' rows, not every row (a page took 600 ms at 200,000 projects). A
        page that would walk more than WALKED_PLANS plans is read as it is."""
        name = self.sort.removeprefix("-")
        if name not in BY_PLAN or connection.vendor != "postgresql" or self.filterset is None:
            return rows
        plans = self.filterset.listed_plans()
        if self.sort.startswith("-") != back:
            plans.reverse()
        if keys is not None:
            if keys[PLAN_KEY] not in plans:  # its plan is gone (or was never listed)
                return rows
            plans = plans[plans.index(keys[PLAN_KEY]) :]
        walked = plans[:WALKED_PLANS]
        counts = walked_counts(rows, walked, needed)
        if sum(counts.values()) < needed and len(walked) < len(plans):
            return rows  # sparse: the page lies beyond the plans walked
        return rows.filter(plan_id__in=list(counts))

    def get_queryset(self):
        projects = listed_projects(as_of(self.request))
        if self.action != "list":
            return projects
        self.sort = sort = self.request.query_params.get("sort", "plan")
        name = sort.removeprefix("-")
        if name not in SORTS:
            raise ValidationError(
                {
                    "sort": [
                        _("“%(value)s” is not a sort. Use one of: %(sorts)s.")
                        % {"value": sort[:40], "sorts": ", ".join(SORTS)}
                    ]
                }
            )
        keys = sort_keys(name, status_field(projects))
        reverse = sort.startswith("-")
        annotations, ordering = {}, []
        for number, (expression, descending, fixed) in enumerate(keys):
            annotations[f"sort_{number}"] = expression
            flipped = descending != (reverse and not fixed)
            ordering.append(("-" if flipped else "") + f"sort_{number}")
        # Ties: by id in the direction of the last key, as the tables (views.listing.stable).
        self.sort_ordering = (*ordering, "-pk" if ordering[-1].startswith("-") else "pk")
        return projects.annotate(**annotations)


class MeetingViewSet(ReadOnly):
    queryset = Meeting.objects.select_related("body", "host_country")
    serializer_class = serializers.MeetingSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = MeetingFilter


class ReportViewSet(ReadOnly):
    queryset = StatusReport.objects.select_related("plan", "meeting__body", "recorded_by")
    serializer_class = serializers.ReportSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_fields = {"plan__slug": ["exact"]}


class ChairViewSet(ReadOnly):
    queryset = Chairmanship.objects.select_related("body", "country")
    serializer_class = serializers.ChairSerializer


class TargetViewSet(ReadOnly):
    queryset = Target.objects.select_related("plan")
    serializer_class = serializers.TargetSerializer


class MilestoneViewSet(ReadOnly):
    queryset = Milestone.objects.select_related("plan")
    serializer_class = serializers.MilestoneSerializer
