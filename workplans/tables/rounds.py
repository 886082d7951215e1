"""The round's table: per country, projects asked for, reported, outstanding, and officials."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .projects import PercentColumn


class RoundTable(tables.Table):
    country = tables.Column(verbose_name=_("Country"))
    total = tables.Column(verbose_name=_("Projects asked for"), attrs={"td": {"class": "num"}})
    reported = tables.Column(
        verbose_name=_("Reported in the round"), attrs={"td": {"class": "num"}}
    )
    outstanding = tables.Column(verbose_name=_("Outstanding"), attrs={"td": {"class": "num"}})
    percent = PercentColumn(
        verbose_name=_("Reported in the round (%)"), attrs={"td": {"class": "num"}}
    )
    officials = tables.Column(verbose_name=_("Officials"), empty_values=())

    class Meta:
        orderable = False
        empty_text = _("No country leads a project of this body that is still active.")
        attrs = {"class": "table round-table"}
        row_attrs = {
            "data-country": lambda record: record.country.code,
            "class": lambda record: "stale" if record.outstanding else "",
        }

    def render_officials(self, record):
        names = [user.get_full_name() or user.get_username() for user in record.officials]
        return ", ".join(names) if names else _("no official account")

    def value_officials(self, record):
        return "; ".join(user.get_username() for user in record.officials)

    def value_country(self, record):
        return str(record.country)
