"""Accounts and sessions: log in, lockout after 5 failures, logout, session limits, passwords."""

import io
import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from workplans.middleware import SESSION_RENEWED_KEY, SESSION_STARTED_KEY

PASSWORD = "correct horse battery staple"  # the named users' password (conftest)


def log_in(client, username, password=PASSWORD, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def test_login_page_is_in_the_sites_look(client, db):
    html = client.get(reverse("login")).content.decode()
    assert 'class="site-header' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "Accounts are created by the Secretariat" in html


def test_an_official_logs_in_and_lands_where_they_were_going(client, official_vn):
    response = client.post(
        reverse("login"),
        {"username": "official_vn", "password": PASSWORD, "next": "/my-projects/"},
    )
    assert response.status_code == 302
    assert response.url == "/my-projects/"
    assert client.get("/my-projects/").status_code == 200


def test_a_wrong_password_is_refused_with_a_message(client, official_vn):
    response = log_in(client, "official_vn", "wrong")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "_auth_user_id" not in client.session


def test_lockout_after_5_failures_with_a_clear_message(client, official_vn):
    for _ in range(4):
        assert log_in(client, "official_vn", "wrong").status_code == 200
    response = log_in(client, "official_vn", "wrong")
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many failed attempts" in html
    assert "5 failed attempts to log in as “official_vn”" in html
    assert "Try again in 30 minutes." in html
    # Even the right password is refused while locked out.
    response = log_in(client, "official_vn")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_user_and_address(client, official_vn, official_jp):
    for _ in range(5):
        log_in(client, "official_vn", "wrong")
    # Another user from the same address, and the same user from another address, may log in.
    assert log_in(client, "official_jp").status_code == 302
    client.logout()
    response = log_in(client, "official_vn", REMOTE_ADDR="10.0.0.7")
    assert response.status_code == 302


def test_fewer_failures_are_forgotten_after_a_success(client, official_vn):
    for _ in range(4):
        log_in(client, "official_vn", "wrong")
    assert log_in(client, "official_vn").status_code == 302
    client.logout()
    for _ in range(4):
        assert log_in(client, "official_vn", "wrong").status_code == 200


def test_logout_ends_the_session(client, official_vn):
    assert log_in(client, "official_vn").status_code == 302
    key = client.session.session_key
    assert Session.objects.filter(session_key=key).exists()
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    page = client.get(response.url)
    assert "You have logged out." in page.content.decode()
    assert not page.context["user"].is_authenticated
    assert client.get("/my-projects/").status_code == 302  # to the login page


def test_logout_is_post_only(client, official_vn):
    client.force_login(official_vn)
    assert client.get(reverse("logout")).status_code == 405
    assert client.get("/my-projects/").status_code == 200


def test_sessions_expire_after_the_idle_limit(client, official_vn, settings):
    log_in(client, "official_vn")
    session = Session.objects.get(session_key=client.session.session_key)
    idle = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert abs(session.expire_date - (timezone.now() + idle)) < timedelta(minutes=1)
    # Idle for longer than the limit: the session is gone.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get("/my-projects/").status_code == 302


def _last_renewed(client, seconds_ago: float) -> str:
    """Make the session look renewed `seconds_ago`, about to expire; return its key."""
    session = client.session
    session[SESSION_RENEWED_KEY] = time.time() - seconds_ago
    session.save()
    key = session.session_key
    Session.objects.filter(pk=key).update(expire_date=timezone.now() + timedelta(minutes=1))
    return key


def test_activity_renews_the_idle_limit(client, official_vn, settings):
    log_in(client, "official_vn")
    key = _last_renewed(client, settings.SESSION_RENEW_SECONDS + 1)
    assert client.get("/my-projects/").status_code == 200
    renewed = Session.objects.get(pk=key).expire_date
    assert renewed > timezone.now() + timedelta(minutes=30)


def test_a_page_does_not_write_the_session_renewed_within_the_minute(client, official_vn, settings):
    log_in(client, "official_vn")
    key = _last_renewed(client, settings.SESSION_RENEW_SECONDS - 10)
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/my-projects/").status_code == 200
    written = [q["sql"] for q in captured if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    assert written == []
    assert Session.objects.get(pk=key).expire_date < timezone.now() + timedelta(minutes=2)


def test_sessions_end_at_the_absolute_limit_however_active(client, official_vn, settings):
    log_in(client, "official_vn")
    started = client.session[SESSION_STARTED_KEY]
    assert abs(started - time.time()) < 60
    session = client.session
    session[SESSION_STARTED_KEY] = time.time() - settings.SESSION_ABSOLUTE_SECONDS - 1
    session.save()
    response = client.get("/my-projects/")
    assert response.status_code == 302
    assert "/login/" in response.url
    page = client.get(response.url)
    assert "Your session has expired. Please log in again." in page.content.decode()
    assert "You have logged out." not in page.content.decode()


def test_password_change_uses_djangos_validators(client, official_vn):
    client.force_login(official_vn)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "12345678",
            "new_password2": "12345678",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["new_password2"]
    assert any("too common" in e for e in errors)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Tra-ngan 9 lau dai",
            "new_password2": "Tra-ngan 9 lau dai",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("password_change_done")
    official_vn.refresh_from_db()
    assert official_vn.check_password("Tra-ngan 9 lau dai")
    assert client.get("/my-projects/").status_code == 200  # still logged in


# The create_official command.


def test_create_official_takes_the_password_from_the_environment(viet_nam, monkeypatch):
    monkeypatch.setenv("ACCSM_OFFICIAL_PASSWORD", "Ha Long bay 1995 focal")
    out = io.StringIO()
    call_command(
        "create_official",
        "--username=nguyen.van.a",
        "--country=vn",
        "--email=a@example.org",
        stdout=out,
    )
    user = User.objects.get(username="nguyen.van.a")
    assert user.check_password("Ha Long bay 1995 focal")
    assert user.email == "a@example.org"
    assert [g.name for g in user.groups.all()] == ["Officials"]
    assert user.profile.country == viet_nam
    assert not user.is_staff and not user.is_superuser
    assert user.has_perm("workplans.update_status")
    assert "an official of Viet Nam" in out.getvalue()


def test_create_official_refuses_a_weak_password(viet_nam, monkeypatch):
    monkeypatch.setenv("ACCSM_OFFICIAL_PASSWORD", "password")
    with pytest.raises(CommandError, match="too common"):
        call_command("create_official", "--username=u", "--country=VN")
    assert not User.objects.filter(username="u").exists()


def test_create_official_has_no_default_password(viet_nam, monkeypatch):
    monkeypatch.delenv("ACCSM_OFFICIAL_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO())  # not a terminal
    with pytest.raises(CommandError, match="No password"):
        call_command("create_official", "--username=u", "--country=VN")
    assert not User.objects.filter(username="u").exists()


def test_create_official_asks_for_the_password_twice(viet_nam, monkeypatch):
    monkeypatch.delenv("ACCSM_OFFICIAL_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin", type("Tty", (), {"isatty": lambda self: True})())
    answers = iter(["first Try 2022", "different", "Hanoi 2022 ACCSM", "Hanoi 2022 ACCSM"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    err = io.StringIO()
    call_command("create_official", "--username=u", "--country=VN", stderr=err)
    assert "differ" in err.getvalue()
    assert User.objects.get(username="u").check_password("Hanoi 2022 ACCSM")


def test_create_official_refuses_an_unknown_country_or_a_taken_name(official_vn, monkeypatch):
    monkeypatch.setenv("ACCSM_OFFICIAL_PASSWORD", "Ha Long bay 1995 focal")
    with pytest.raises(CommandError, match="No country with code 'XX'"):
        call_command("create_official", "--username=new", "--country=XX")
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_official", "--username=OFFICIAL_VN", "--country=VN")


def test_behind_a_proxy_the_lockout_keys_on_the_forwarded_client(client, official_vn, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    # Client A forges an address on the left; the proxy appends A's real one on the right.
    from_a = {**proxy, "HTTP_X_FORWARDED_FOR": "203.0.113.66, 198.51.100.10"}
    for _ in range(6):
        log_in(client, "official_vn", "wrong", **from_a)
    assert log_in(client, "official_vn", **from_a).status_code == 429
    from_b = {**proxy, "HTTP_X_FORWARDED_FOR": "198.51.100.20"}
    assert log_in(client, "official_vn", **from_b).status_code == 302
    client.logout()
    assert log_in(client, "official_vn", **from_a).status_code == 429


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(client, official_vn, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for n in range(5):
        # A client cannot dodge the lockout by writing a new address each time.
        log_in(client, "official_vn", "wrong", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    assert log_in(client, "official_vn", HTTP_X_FORWARDED_FOR="198.51.100.99").status_code == 429
