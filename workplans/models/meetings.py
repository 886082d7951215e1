"""Meetings of a body, where reports are presented and proposals decided."""

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..dates import date_range
from ..localize import localized
from .bodies import Body, Country


class MeetingKind(models.TextChoices):
    SOM = "som", _("SOM")
    SOM_PLUS_3 = "som3", _("SOM+3")
    HEAD = "head", _("HEAD")
    HEAD_PLUS_3 = "head3", _("HEAD+3")
    FORUM = "forum", _("Good Governance Forum")
    OTHER = "other", pgettext_lazy("meeting kind", "Other")


class Meeting(models.Model):
    Kind = MeetingKind

    body = models.ForeignKey(
        Body, verbose_name=_("body"), on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    edition = models.CharField(
        _("edition"), max_length=40, blank=True, help_text=_("For example ACCSM 21.")
    )
    title = models.CharField(_("title"), max_length=300, blank=True)
    title_vi = models.CharField(_("title in Vietnamese"), max_length=400, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    date_note = models.CharField(
        _("note on the dates"),
        max_length=200,
        blank=True,
        help_text=_("Say here when the sources give only the dates of the whole event."),
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    online = models.BooleanField(_("held online"), default=False)
    host_country = models.ForeignKey(
        Country,
        verbose_name=_("host country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_meetings",
    )
    theme = models.CharField(_("theme"), max_length=400, blank=True)
    theme_vi = models.CharField(_("theme in Vietnamese"), max_length=400, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)

    class Meta:
        ordering = ["-start_date", "body__position", "kind"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="workplans_meeting_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=MeetingKind.values),
                name="workplans_meeting_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        name = localized(self, "title") or self.get_kind_display()
        return f"{name}, {self.edition}" if self.edition else str(name)

    def get_absolute_url(self) -> str:
        return reverse("workplans:meeting_detail", args=[self.pk])

    @property
    def dates(self) -> str:
        """The dates as known: '2–6 August 2022' for ACCSM 21's meetings."""
        return date_range(self.start_date, self.end_date)

    @property
    def local_theme(self) -> str:
        return localized(self, "theme")
