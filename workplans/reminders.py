"""Reminders of a reporting round: who gets which list, written in their language, sent at
most once a day. `manage.py send_reminders` runs it (from cron)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import Project, Reminder, ReportingRound
from .rounds import open_rounds, round_projects


@dataclass
class Due:
    """One official's reminder: the round, and their country's projects still to report."""

    round: ReportingRound
    user: User
    projects: list[Project]

    @property
    def language(self) -> str:
        profile = getattr(self.user, "profile", None)
        return (profile.language if profile else "") or settings.LANGUAGE_CODE


def reminding(round_: ReportingRound, today: date) -> bool:
    """Reminders go out from `remind_days` before the due date up to the due date."""
    return round_.due_on - timedelta(days=round_.remind_days) <= today <= round_.due_on


def due_reminders(today: date) -> list[Due]:
    """Every official with outstanding projects in a round now reminding. Two queries per
    open round, whatever the number of projects or officials."""
    officials = User.objects.filter(
        Q(groups__permissions__codename="update_status")
        | Q(user_permissions__codename="update_status"),
        is_active=True,
        profile__country__isnull=False,
    ).distinct()
    result = []
    for round_ in open_rounds():
        if not reminding(round_, today):
            continue
        projects = (
            round_projects(round_)
            .filter(in_round_reported=False)  # type: ignore[misc]  # annotated
            .select_related("plan")
            .prefetch_related("lead_countries")
            .order_by("plan__title", "code")
        )
        by_country: dict[int, list[Project]] = defaultdict(list)
        for project in projects:
            for country in project.lead_countries.all():
                by_country[country.pk].append(project)
        if not by_country:
            continue
        users = officials.filter(profile__country__in=list(by_country)).select_related("profile")
        for user in users.order_by("username"):
            result.append(Due(round_, user, by_country[user.profile.country_id or 0]))
    return result


def message(due: Due) -> EmailMessage:
    """The reminder, in the recipient's language, with a link to each project."""
    site = settings.ACCSM_SITE_URL
    with translation.override(due.language):
        context = {
            "due": due,
            "round": due.round,
            "user": due.user,
            "projects": [(project, site + project.get_absolute_url()) for project in due.projects],
            "list_url": f"{site}{reverse('workplans:my_projects')}?round={due.round.pk}",
        }
        subject = render_to_string("workplans/email/reminder_subject.txt", context)
        body = render_to_string("workplans/email/reminder.txt", context)
    return EmailMessage(" ".join(subject.split()), body, to=[due.user.email])


def send(due: Due, today: date) -> bool:
    """Send one reminder and record it; False if this official already had it today."""
    try:
        with transaction.atomic():
            Reminder.objects.create(
                round=due.round, user=due.user, sent_on=today, projects=len(due.projects)
            )
            message(due).send()  # if sending fails, the record is rolled back
    except IntegrityError:
        return False
    return True
