from urllib.parse import quote

import django_tables2 as tables
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .. import transitions
from ..models import Project
from ..querysets import leads_of, status_field
from ..templatetags.progress import pct


def shown_status(record: Project) -> str:
    """The status a row shows: at the end of the as-of day (ProjectQuerySet.as_of) or now."""
    return getattr(record, "status_then", record.status)


# The number of a project's priority area: shown, sorted by, paged by (views.paging).
AREA = "priority_area__number"


def row_leads(record: Project) -> list:
    """A row's lead countries: from its `leads` annotation (ProjectQuerySet.with_leads), else
    from its prefetched countries; no query per row either way."""
    if hasattr(record, "leads"):
        return leads_of(record.leads)
    return list(record.lead_countries.all())


class ProjectTable(tables.Table):
    code = tables.Column(linkify=True)
    # Drawn from the record (render_lead_countries): never "empty", no manager read per row.
    lead_countries = tables.Column(verbose_name=_("Lead countries"), empty_values=())
    priority_area = tables.Column(verbose_name=_("Area"), accessor=AREA, order_by=AREA)
    # Drawn from the record (render_status), so never "empty": the tag need not read a label.
    status = tables.Column(empty_values=())

    class Meta:
        model = Project
        fields: tuple[str, ...] = (
            "code",
            "title",
            "lead_countries",
            "priority_area",
            "year",
            "status",
        )
        order_by: str | tuple[str, ...] = "code"
        per_page = 25
        empty_text = _("No projects are itemized for this plan.")
        attrs = {"class": "table projects"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Cells that many rows share, drawn once per table: by status, by lead countries;
        # plans' addresses (ProjectListTable.plan_url).
        self._statuses: dict[str, str] = {}
        self._leads: dict[str, str] = {}
        self._plan_urls: dict[int, str] = {}

    def render_lead_countries(self, record):
        key = getattr(record, "leads", None)
        if key is not None and key in self._leads:
            return self._leads[key]
        html = format_html_join(
            ", ", '<abbr title="{}">{}</abbr>', ((str(c), c.code) for c in row_leads(record))
        )
        if key is not None:
            self._leads[key] = html
        return html

    def render_status(self, record):
        status = shown_status(record)
        if status not in self._statuses:
            self._statuses[status] = format_html(
                '<span class="status status-{}">{}</span>', status, Project.Status(status).label
            )
        return self._statuses[status]

    def order_status(self, queryset, is_descending):
        field = F(status_field(queryset))
        return queryset.order_by(field.desc() if is_descending else field.asc()), True

    # Exports read value_<column>: plain values, no HTML.
    def value_status(self, record):
        return Project.Status(shown_status(record)).label

    def value_lead_countries(self, record):
        return "; ".join(country.code for country in row_leads(record))

    def order_lead_countries(self, queryset, is_descending):
        # By the first lead country's code (Project.lead_key, indexed with the id).
        return queryset.order_by("-lead_key" if is_descending else "lead_key"), True


# The plans in the dashboard's order (tables.choices.plan_catalogue), then each one's codes.
PLAN_ORDER = (
    "plan__body__position",
    "plan__body__short_name",
    "-plan__start_year",
    "plan__title",
    "plan_id",
    "code",
)
# The sorts that keep each plan's projects together, in PLAN_ORDER.
BY_PLAN = ("body", "plan")


class ProjectListTable(ProjectTable):
    """Projects across plans (or within one, with body and plan excluded): the filtered table."""

    # By body or by plan: the plans in the dashboard's order, each plan's projects by code
    # (views.paging pages through them plan by plan, without sorting every row).
    body = tables.Column(
        verbose_name=_("Body"), accessor="plan__body__short_name", order_by=PLAN_ORDER
    )
    plan = tables.Column(
        verbose_name=_("Work plan"),
        linkify=lambda record, table: table.plan_url(record.plan),
        accessor="plan",  # its title in the interface's language
        order_by=PLAN_ORDER,
    )
    # The status last set or confirmed (ProjectQuerySet.with_updates), now or as of a day.
    status_changed_at = tables.Column(
        verbose_name=_("Last update"), accessor="last_update", order_by="last_update"
    )

    class Meta(ProjectTable.Meta):
        fields = ProjectTable.Meta.fields + ("status_changed_at",)
        exclude: tuple[str, ...] = ()
        sequence: tuple[str, ...] = ("body", "plan", "code", "...")
        order_by = ("plan",)
        empty_text = _("No projects match these filters.")

    def plan_url(self, plan) -> str:
        """A plan's address, worked out once per table (a page holds few plans)."""
        if plan.pk not in self._plan_urls:
            self._plan_urls[plan.pk] = plan.get_absolute_url()
        return self._plan_urls[plan.pk]

    def value_plan(self, value):
        return str(value)

    def render_status_changed_at(self, value):
        return date_format(timezone.localdate(value), "DATE_FORMAT")

    def value_status_changed_at(self, value):
        return timezone.localdate(value)


class CountryProjectTable(ProjectListTable):
    """The projects a country leads: an official's list to clear before each SOM."""

    last_update = tables.Column(
        verbose_name=_("Last update"), empty_values=(), order_by="last_update"
    )
    update = tables.Column(
        verbose_name=_("Action"), empty_values=(), orderable=False, exclude_from_export=True
    )

    class Meta(ProjectListTable.Meta):
        fields = ("plan", "code", "title", "lead_countries", "status", "last_update")
        exclude = ("body", "priority_area", "year", "status_changed_at")
        sequence = ("plan", "code", "title", "lead_countries", "status", "last_update", "update")
        order_by = ("plan",)
        empty_text = _("No projects match these filters.")
        row_attrs = {
            "class": lambda record: "stale" if record.is_stale else "",
            "data-project": lambda record: record.code,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user  # whose "Update" links: none where they may set no status
        self.columns["update"].column.verbose_name = format_html(
            '<span class="visually-hidden">{}</span>', _("Action")
        )

    def render_status(self, record):
        shown = super().render_status(record)
        if getattr(record, "pending_review", None):
            label = _("waiting for review: %(status)s") % {
                "status": Project.Status(record.pending_review).label
            }
            return format_html('{}<br><span class="badge-review">{}</span>', shown, label)
        return shown

    def _back(self, record) -> str:
        path = self.request.get_full_path() if getattr(self, "request", None) else ""
        return f"{record.get_absolute_url()}?next={quote(path, safe='/')}"

    def render_title(self, record, value):
        return format_html('<a href="{}">{}</a>', self._back(record), value)

    def value_title(self, value):
        return value

    def render_last_update(self, record):
        if record.last_update:
            text = format_html(
                "{}", date_format(timezone.localtime(record.last_update), "DATE_FORMAT")
            )
            if record.last_update_by:
                text = format_html(
                    '{} <span class="muted">· {}</span>', text, record.last_update_by
                )
        else:
            text = format_html(
                '<span class="muted" data-never-updated>{}{}</span>',
                _("never updated"),
                format_html(" · {}", _("status as the source gives it")) if record.source else "",
            )
        if record.is_stale:
            text = format_html(
                '{}<br><span class="badge-stale">{}</span>', text, _("needs an update")
            )
        return text

    def value_last_update(self, record):
        return timezone.localdate(record.last_update) if record.last_update else None

    def render_update(self, record):
        if record.status == Project.Status.PROPOSED:
            return format_html('<span class="muted">{}</span>', _("pending"))
        if not transitions.options(record, self.user):
            return ""
        return format_html(
            '<a class="button small" href="{}#update">{}</a>', self._back(record), _("Update")
        )


class PercentColumn(tables.Column):
    """A percentage from Progress: shown as "22.6 %", exported as a number with a percent format."""

    export_kind = "percent"

    def render(self, value):
        return pct(value)

    def value(self, value):
        return value


class ProgressTable(tables.Table):
    """One row per plan with subtotals per body: counts and percentages per status, and sources."""

    body = tables.Column(verbose_name=_("Body"), accessor="body__short_name")
    plan = tables.Column(verbose_name=_("Work plan"), accessor="label")
    period = tables.Column(verbose_name=_("Period"))
    total = tables.Column(verbose_name=_("Total"), attrs={"td": {"class": "num"}})
    completed = tables.Column(verbose_name=_("Completed"), attrs={"td": {"class": "num"}})
    completed_pct = PercentColumn(verbose_name=_("Completed (%)"), attrs={"td": {"class": "num"}})
    ongoing = tables.Column(verbose_name=_("Ongoing or annual"), attrs={"td": {"class": "num"}})
    ongoing_pct = PercentColumn(
        verbose_name=_("Ongoing or annual (%)"), attrs={"td": {"class": "num"}}
    )
    planned = tables.Column(verbose_name=_("Planned"), attrs={"td": {"class": "num"}})
    planned_pct = PercentColumn(verbose_name=_("Planned (%)"), attrs={"td": {"class": "num"}})
    postponed = tables.Column(verbose_name=_("Postponed"), attrs={"td": {"class": "num"}})
    postponed_pct = PercentColumn(verbose_name=_("Postponed (%)"), attrs={"td": {"class": "num"}})
    pending = tables.Column(
        verbose_name=_("Proposals pending (not counted)"),
        attrs={"td": {"class": "num"}},
    )
    source = tables.Column(
        verbose_name=_("Source of the figures"), attrs={"td": {"class": "figures-source"}}
    )
    # Text, not a date: a report known only by its meeting's dates shows that range.
    figures_date = tables.Column(verbose_name=_("Figures dated"))

    class Meta:
        orderable = False
        empty_text = _("No work plans match these filters.")
        attrs = {"class": "table progress-table"}
        row_attrs = {"class": lambda record: f"row-{record.kind}"}

    def render_plan(self, record, value):
        if record.plan is None:
            return format_html("<strong>{}</strong>", value)
        return format_html('<a href="{}">{}</a>', record.plan.get_absolute_url(), value)

    def value_plan(self, value):
        return value

    def value_figures_date(self, value):
        return value
