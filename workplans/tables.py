import django_tables2 as tables
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .models import Project


class ProjectTable(tables.Table):
    code = tables.Column(linkify=True)
    lead_countries = tables.Column(verbose_name=_("Lead countries"), orderable=False)
    priority_area = tables.Column(
        verbose_name=_("Area"), accessor="priority_area__number", order_by="priority_area__number"
    )
    status = tables.Column()

    class Meta:
        model = Project
        fields = ("code", "title", "lead_countries", "priority_area", "year", "status")
        order_by = "code"
        per_page = 25
        empty_text = _("No projects are itemized for this plan.")
        attrs = {"class": "table projects"}

    def render_lead_countries(self, record):
        # Reads the prefetched countries: no query per row.
        countries = record.lead_countries.all()
        return format_html_join(", ", '<abbr title="{}">{}</abbr>', ((c.name, c.code) for c in countries))

    def render_status(self, record, value):
        return format_html('<span class="status status-{}">{}</span>', record.status, value)
