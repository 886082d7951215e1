"""Who cooperates: countries, bodies and their chairs, and the country a user speaks for."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ..localize import localized


class CountryGroup(models.TextChoices):
    ASEAN = "asean", _("ASEAN member state")
    PLUS_THREE = "plus3", _("Plus Three partner")
    DIALOGUE = "dialogue", _("Dialogue partner")
    APPLICANT = "applicant", _("Observer or applicant")


class Country(models.Model):
    Group = CountryGroup

    code = models.CharField(_("ISO 3166 code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_vi = models.CharField(_("name in Vietnamese"), max_length=100, blank=True)
    group = models.CharField(_("group"), max_length=12, choices=Group.choices)

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        constraints = [
            models.CheckConstraint(
                condition=Q(group__in=CountryGroup.values),
                name="workplans_country_group_valid",
            ),
        ]

    def __str__(self) -> str:
        return localized(self, "name")


class Body(models.Model):
    """A cooperation (ACCSM, ACCSM+3), a network (PSTI) or a national agency that owns plans."""

    class Kind(models.TextChoices):
        COOPERATION = "cooperation", _("Regional cooperation")
        NETWORK = "network", _("Regional network")
        NATIONAL = "national", _("National agency")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_vi = models.CharField(_("name in Vietnamese"), max_length=200, blank=True)
    short_name = models.CharField(_("short name"), max_length=40)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="national_bodies",
        help_text=_("For a national agency: its country."),
    )
    members = models.ManyToManyField(
        Country, verbose_name=_("member countries"), related_name="bodies", blank=True
    )
    founded = models.PositiveSmallIntegerField(_("founded (year)"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("display order"), default=0)
    review_updates = models.BooleanField(
        _("review officials' updates"),
        default=False,
        help_text=_(
            "An official's status change is then submitted, and counts only once the "
            "Secretariat approves it."
        ),
    )

    class Meta:
        ordering = ["position", "short_name"]
        verbose_name = _("body")
        verbose_name_plural = _("bodies")

    def __str__(self) -> str:
        return self.short_name

    @property
    def full_name(self) -> str:
        return localized(self, "name")


class Chairmanship(models.Model):
    """Who chaired a body (ACCSM 21: Viet Nam) or a network (PSTI), and when."""

    body = models.ForeignKey(
        Body, verbose_name=_("body"), on_delete=models.PROTECT, related_name="chairs"
    )
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        related_name="chairs",
    )
    edition = models.CharField(_("edition"), max_length=40, blank=True)
    start_year = models.PositiveSmallIntegerField(_("from year"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("to year"), null=True, blank=True)
    handed_over_on = models.CharField(_("handed over"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)

    class Meta:
        ordering = ["body__position", "start_year"]
        verbose_name = _("chairmanship")
        verbose_name_plural = _("chairmanships")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__isnull=True)
                | Q(start_year__isnull=True)
                | Q(end_year__gte=F("start_year")),
                name="workplans_chairmanship_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        period = f"{self.start_year or '?'}–{self.end_year or '?'}"
        label = self.edition or str(self.body)
        return f"{label}: {self.country} ({period})"


class Profile(models.Model):
    """What the tracker knows about a user beyond Django's auth: the country they speak for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="profile",
    )
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officials",
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Of the e-mails the tracker sends; set when the user switches language."),
    )

    class Meta:
        ordering = ["user__username"]
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return f"{self.user} ({self.country or '—'})"
