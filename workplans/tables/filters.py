"""Filters of the tables. Their choices come from small tables (choices.py), never from
loading the projects, so a form costs the same with 30 projects or 200,000."""

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from ..models import Body, Country, Project, ReportingRound, WorkPlan
from ..querysets import status_field
from ..rounds import outstanding
from . import choices, widgets

PAGE_SIZES = (25, 50, 100, 200)
DEFAULT_PAGE_SIZE = PAGE_SIZES[0]


class TableForm(forms.Form):
    """The filter form, plus the page size: the URL holds the table's whole state."""

    per_page = forms.TypedChoiceField(
        label=_("Rows per page"),
        choices=[(size, size) for size in PAGE_SIZES],
        coerce=int,
        required=False,
        widget=widgets.Select,
        empty_value=DEFAULT_PAGE_SIZE,  # type: ignore[arg-type]  # stubs want str; int is what coerce yields
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["per_page"] = self.fields.pop("per_page")  # after the filters


class FreshFilterSet(django_filters.FilterSet):
    """A filterset whose filters build their form fields afresh for each form.

    django-filter caches a filter's form field on first use, and a deep copy carries that
    cache over; the API's schema generator reads the class's filters' fields, so without
    this a form would keep the class-wide choices after __init__ narrowed them (a plan's own
    areas, a country's plans, the meeting years).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for filter_ in self.filters.values():
            filter_.__dict__.pop("_field", None)


class TableFilterSet(FreshFilterSet):
    class Meta:
        form = TableForm

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        # The form holds fields that are not filters (the page size): skip them.
        for name, value in self.form.cleaned_data.items():
            if name in self.filters:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    @property
    def page_size(self) -> int:
        if self.is_bound and self.form.is_valid():
            return self.form.cleaned_data.get("per_page") or DEFAULT_PAGE_SIZE
        return DEFAULT_PAGE_SIZE

    def in_use(self) -> list[str]:
        """The names of the filters given a value, in the form's order (none if the form is
        not valid)."""
        if not self.is_bound or not self.form.is_valid():
            return []
        data = self.form.cleaned_data
        return [
            name
            for name in self.form.fields
            if name in self.filters and data.get(name) not in (None, "", [], ())
        ]

    def describe(self) -> list[tuple[str, str]]:
        """The filters in use, as (label, value) in words: for export titles and headings."""
        described = []
        for name in self.in_use():
            field, value = self.form.fields[name], self.form.cleaned_data[name]
            if isinstance(field, choices.ListedChoiceField):
                text = field.labels[value]
            elif isinstance(field, forms.ModelChoiceField):
                text = str(value)
            elif isinstance(field, forms.ChoiceField):
                labels = dict(field.choices)  # type: ignore[arg-type]  # a form field's choices are a list by now
                values = value if isinstance(value, list) else [value]
                text = ", ".join(str(labels.get(v, v)) for v in values)
            else:
                text = str(value)
            described.append((str(field.label), text))
        return described


def area_choices(plan: WorkPlan) -> list[tuple[str, str]]:
    """A plan's numbered areas with their titles."""
    return [(str(a.number), str(a)) for a in plan.areas.all()]


class ProjectFilter(TableFilterSet):
    """The project tables' filters. Their choices cost two queries (choices.py); the area
    across plans and the year are numbers typed in, not lists read from the projects."""

    q = django_filters.CharFilter(
        label=_("Code or title contains"), method="search", max_length=100
    )
    body = choices.ListedChoiceFilter(
        label=_("Body"), field_name="plan__body__code", empty_label=_("Any body")
    )
    plan = choices.ListedChoiceFilter(
        label=_("Work plan"), field_name="plan__slug", empty_label=_("Any plan")
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"),
        choices=Project.Status.choices,
        widget=widgets.CheckboxSelectMultiple,
        method="filter_status",
    )
    lead_country = choices.ListedChoiceFilter(
        label=_("Lead country"), method="filter_lead_country", empty_label=_("Any country")
    )
    area = django_filters.NumberFilter(
        label=_("Priority area"), field_name="priority_area__number", min_value=1, max_value=99
    )
    year = django_filters.NumberFilter(
        label=_("Planned year"), field_name="year", min_value=1900, max_value=2100
    )

    # A country's own list has no lead country to choose, and so no countries to read.
    choose_lead_country = True

    class Meta(TableFilterSet.Meta):
        model = Project
        fields = ()

    def __init__(
        self,
        *args,
        plan: WorkPlan | None = None,
        catalogue: list[choices.PlanChoice] | None = None,
        **kwargs,
    ):
        """Within `plan`, or across plans: all of them, or those of `catalogue` (read already)."""
        super().__init__(*args, **kwargs)
        self.catalogue: list[choices.PlanChoice] = []  # the plans in order, across plans
        if self.choose_lead_country:
            self.countries = choices.countries()
            self._set_choices("lead_country", {c.code: str(c) for c in self.countries})
        if plan is not None:
            # Within one plan: body and plan are given; the areas are the plan's own.
            del self.filters["body"], self.filters["plan"]
            self.filters["area"] = django_filters.ChoiceFilter(
                label=_("Priority area"),
                field_name="priority_area__number",
                choices=area_choices(plan),
                empty_label=_("Any area"),
                widget=widgets.Select,
            )
            return
        self.catalogue = catalogue = choices.plan_catalogue() if catalogue is None else catalogue
        self._set_choices("body", choices.body_options(catalogue))
        labels = choices.plan_labels(catalogue)
        body, chosen = self.data.get("body"), self.data.get("plan")
        options, cut = choices.plan_options(catalogue, labels, body, chosen)
        self._set_choices("plan", labels, options)
        if cut:
            self.filters["plan"].extra["help_text"] = (
                _("Too many plans to list: choose a body, or open a plan's projects from its page.")
                if not body
                else _("Too many plans to list: open a plan's projects from its page.")
            )

    def _set_choices(self, name: str, valid: dict[str, str], options=None) -> None:
        listed = list(valid.items()) if options is None else options
        self.filters[name].extra.update(choices=listed, valid=valid)

    def chosen(self, name: str) -> tuple[str, str] | None:
        """The value chosen for filter `name` and its label, if the form is valid."""
        if not self.is_bound or not self.form.is_valid():
            return None
        value = self.form.cleaned_data.get(name)
        if not value:
            return None
        return value, self.form.fields[name].labels[value]

    def listed_plans(self) -> list[int]:
        """The ids of the catalogue's plans whose projects the table may list, in order: the
        chosen body's or the chosen plan, else all of them."""
        data = self.form.cleaned_data if self.is_bound and self.form.is_valid() else {}
        body, slug = data.get("body"), data.get("plan")
        return [
            plan.pk
            for plan in self.catalogue
            if (not body or plan.body_code == body) and (not slug or plan.slug == slug)
        ]

    def quick_count(self) -> int | None:
        """How many projects the table lists, if one filter alone is chosen that a cheaper
        query counts than counting them plan by plan (else None): a lead country's, by its
        rows in the lead countries' table (one per project and country), where counting the
        projects joins every one of them to it; a body's, by one COUNT."""
        chosen = self.in_use()
        if chosen == ["lead_country"]:
            country = self._country(self.form.cleaned_data["lead_country"])
            return Project.lead_countries.through.objects.filter(country=country).count()
        if chosen == ["body"]:
            return self.qs.order_by().count()
        return None

    def filter_status(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        # The status the rows show: at the end of the as-of day, if one is asked for.
        return queryset.filter(**{f"{status_field(queryset)}__in": value})

    def _country(self, code: str) -> Country:
        """The country of a valid lead-country choice (read with the form's choices)."""
        return next(c for c in self.countries if c.code == code)

    def filter_lead_country(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(lead_countries=self._country(value))

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(code__icontains=value) | Q(title__icontains=value))


class CountryProjectFilter(ProjectFilter):
    """Filters of one country's projects: no lead country to choose; 'needs an update' added."""

    stale = django_filters.BooleanFilter(
        label=_("Only those that need an update"),
        field_name="is_stale",
        widget=forms.CheckboxInput,
    )

    round = choices.ListedChoiceFilter(
        label=_("Still to report in the round"), method="filter_round", empty_label=_("Any")
    )
    choose_lead_country = False

    def __init__(
        self,
        *args,
        country: Country,
        rounds: list[ReportingRound],
        catalogue: list[choices.PlanChoice],
        **kwargs,
    ):
        """`rounds`: the open rounds; `catalogue`: the plans where the country leads projects
        (countries.country_overview reads both)."""
        super().__init__(*args, catalogue=catalogue, **kwargs)
        del self.filters["lead_country"]
        self.country = country
        self.rounds = {str(round_.pk): round_ for round_ in rounds}
        self._set_choices("round", {pk: str(round_) for pk, round_ in self.rounds.items()})

    def filter_round(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(pk__in=outstanding(self.rounds[value], self.country).values("pk"))

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        # An unticked box means "all projects", not "only those up to date".
        if not self.form.cleaned_data.get("stale"):
            self.form.cleaned_data.pop("stale", None)
        return super().filter_queryset(queryset)


def plan_periods():
    def choices():
        periods = (
            WorkPlan.objects.order_by("-start_year", "-end_year")
            .values_list("start_year", "end_year")
            .distinct()
        )
        return [(f"{start}-{end}", f"{start}–{end}") for start, end in periods]

    return choices


class PlanFilter(TableFilterSet):
    """Filters of the progress table and the annex: body and period."""

    body = django_filters.ModelChoiceFilter(
        label=_("Body"),
        field_name="body",
        to_field_name="code",
        queryset=Body.objects.all(),
        empty_label=_("Any body"),
        widget=widgets.Select,
    )
    period = django_filters.ChoiceFilter(
        label=_("Period"),
        choices=plan_periods(),
        method="filter_period",
        empty_label=_("Any period"),
        widget=widgets.Select,
    )

    class Meta:
        model = WorkPlan
        fields = ()
        form = forms.Form  # one table, no pages: no page size

    def filter_period(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        start, end = (int(year) for year in value.split("-"))
        return queryset.filter(start_year=start, end_year=end)
