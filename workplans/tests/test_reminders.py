"""Reminders by e-mail (`send_reminders`), in each official's language, once a day at most;
password reset by e-mail where mail is configured; the language a user chooses is kept."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from workplans import services
from workplans.models import Profile, Reminder

from .conftest import make_meeting, make_plan, make_project, make_user


@pytest.fixture
def round_due(plus_three, secretariat, viet_nam, japan, official_vn, official_jp):
    """A round due in 5 days, reminders from 7 days before: Viet Nam has two projects to
    report; Japan's one is already confirmed."""
    plan = make_plan(plus_three, "reminded")
    make_project(plan, "VN-R1", leads=[viet_nam], title="Digital government seminar")
    make_project(plan, "VN-R2", leads=[viet_nam])
    jp = make_project(plan, "JP-R1", leads=[japan])
    today = timezone.localdate()
    meeting = make_meeting(plus_three, kind="som3", day=today + timedelta(days=20))
    round_ = services.round_open(meeting=meeting, due_on=today + timedelta(days=5), by=secretariat)
    services.project_confirm(project=jp, by=official_jp, expected_version=1)
    official_vn.email = "vn@example.org"
    official_vn.save()
    official_jp.email = "jp@example.org"
    official_jp.save()
    return round_


def run(*args) -> str:
    out = StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_says_who_would_get_what_and_sends_nothing(round_due):
    output = run("--dry-run")
    assert "would e-mail official_vn <vn@example.org> (en): 2 project(s)" in output
    assert "VN-R1, VN-R2" in output and "official_jp" not in output
    assert mail.outbox == [] and not Reminder.objects.exists()


def test_reminders_go_once_a_day_in_the_officials_language(round_due, official_vn, settings):
    settings.ACCSM_SITE_URL = "https://tracker.example.org"
    Profile.objects.filter(user=official_vn).update(language="vi")
    make_user("official_vn_2", "Officials", official_vn.profile.country)  # no address
    output = run()
    assert "e-mailed official_vn" in output and "skipped official_vn_2" in output
    (message,) = mail.outbox
    assert message.to == ["vn@example.org"]
    assert message.subject.startswith("Hệ thống theo dõi ACCSM: 2 dự án cần báo cáo trước")
    assert "Digital government seminar" in message.body
    project = round_due.meeting.body.plans.get().projects.get(code="VN-R1")
    assert f"https://tracker.example.org/projects/{project.pk}/" in message.body
    assert f"/my-projects/?round={round_due.pk}" in message.body
    reminder = Reminder.objects.get()
    assert (reminder.user, reminder.projects) == (official_vn, 2)
    # Not twice on one day.
    assert "already reminded today: official_vn" in run()
    assert len(mail.outbox) == 1
    # The next day, again, while projects remain.
    run("--today", (timezone.localdate() + timedelta(days=1)).isoformat())
    assert len(mail.outbox) == 2


def test_no_reminder_outside_the_window_or_once_reported(round_due, official_vn):
    early = round_due.due_on - timedelta(days=round_due.remind_days + 1)
    assert "Reminders sent: 0" in run("--today", early.isoformat())
    assert "Reminders sent: 0" in run("--today", (round_due.due_on + timedelta(days=1)).isoformat())
    for project in round_due.meeting.body.plans.get().projects.filter(code__startswith="VN"):
        services.project_confirm(project=project, by=official_vn, expected_version=1)
    assert "Reminders sent: 0" in run()
    assert mail.outbox == []


def test_a_bad_date_is_refused():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="is not a date"):
        call_command("send_reminders", "--today", "tomorrow")


def test_password_reset_by_e_mail_where_mail_is_configured(client, official_vn, settings):
    official_vn.email = "vn@example.org"
    official_vn.save()
    assert client.get("/accounts/password/reset/").status_code == 404
    assert "/accounts/password/reset/" not in client.get("/accounts/login/").content.decode()
    settings.ACCSM_MAIL_CONFIGURED = True
    assert "/accounts/password/reset/" in client.get("/accounts/login/").content.decode()
    response = client.post("/accounts/password/reset/", {"email": "vn@example.org"})
    assert response.status_code == 302
    (message,) = mail.outbox
    link = next(line for line in message.body.splitlines() if "/accounts/password/reset/" in line)
    path = link.split("testserver", 1)[1]
    form = client.get(path, follow=True)
    assert form.status_code == 200 and form.context["validlink"]
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a fresh long passphrase", "new_password2": "a fresh long passphrase"},
    )
    assert done.status_code == 302
    official_vn.refresh_from_db()
    assert official_vn.check_password("a fresh long passphrase")


def test_the_language_a_user_chooses_is_kept_for_their_e_mails(client, official_vn):
    client.force_login(official_vn)
    client.post("/i18n/setlang/", {"language": "vi"})
    official_vn.profile.refresh_from_db()
    assert official_vn.profile.language == "vi"
