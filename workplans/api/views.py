"""The API's endpoints: read-only, a constant number of queries per request whatever the
page size, the tables' filters and sorts, `as_of` as on the pages."""

from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

from django.db import connection
from django.db.models import F
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
    PriorityArea,
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


class Key(NamedTuple):
    """A key of a sort: `fixed` keeps its direction when the sort is reversed (the tables
    put projects without a lead country last both ways); a `nullable` one may be empty,
    and its empty values sort where this database sorts NULLs, as the tables; `empty` is
    the lookup that finds them, where not the key's own `isnull`."""

    expression: F
    descending: bool = False
    fixed: bool = False
    nullable: bool = False
    empty: str = ""


# Sorted by plan, the plan's id is the fifth key (sort_keys).
PLAN_KEY = 4


def sort_keys(name: str, status: str) -> list[Key]:
    """The table's sort `name` as keys. They are columns, compared as they are (never a
    COALESCE of an empty value): the indexes on them give a page without sorting."""
    by_plan = [
        Key(F("plan__body__position")),
        Key(F("plan__body__short_name")),
        Key(F("plan__start_year"), descending=True, nullable=True),
        Key(F("plan__title")),
        Key(F("plan_id")),
        Key(F("code")),
    ]
    keys = {
        "code": [Key(F("code"))],
        "title": [Key(F("title"))],
        "lead_countries": [Key(F("lead_key"))],
        # No number: no area, which the index on the area finds (not the join's NULL).
        "priority_area": [
            Key(F("priority_area__number"), nullable=True, empty="priority_area__isnull")
        ],
        "year": [Key(F("year"), nullable=True)],
        "status": [Key(F(status))],
        "status_changed_at": [Key(F("last_update"), nullable=True)],
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
    sort_nullable: Mapping[str, str] = MappingProxyType({})
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

    def sort_values(self) -> list | None:
        """Sorted by area, the area numbers of the filters' plans: each number's projects are
        then read on their own, by the index on their ids (under 3 ms at 200,000 projects),
        where a sort by the number, on the areas' table, sorted every project (250 ms)."""
        if self.sort.removeprefix("-") != "priority_area" or self.filterset is None:
            return None
        areas = PriorityArea.objects.all()
        if {"body", "plan"} & set(self.filterset.in_use()):
            areas = areas.filter(plan__in=self.filterset.listed_plans())
        return list(areas.order_by().values_list("number", flat=True).distinct())

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
        annotations, ordering, nullable = {}, [], {}
        for number, key in enumerate(keys):
            # Not sort_N, the names of the keys' COALESCE once: its old cursors are refused.
            alias = f"key_{number}"
            annotations[alias] = key.expression
            flipped = key.descending != (reverse and not key.fixed)
            ordering.append(("-" if flipped else "") + alias)
            if key.nullable:
                nullable[alias] = key.empty or f"{alias}__isnull"
        self.sort_nullable = nullable
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
