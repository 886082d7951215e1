"""The Secretariat lifts a login lockout in the admin, as the README tells them to."""

from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.urls import reverse

from workplans.roles import ROLE_PERMISSIONS

PASSWORD = "correct horse battery staple"


def lock_out(client, username):
    for _ in range(5):
        client.post(reverse("login"), {"username": username, "password": "wrong"})
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 429


def test_every_named_permission_exists_and_is_granted(db):
    for name, entries in ROLE_PERMISSIONS.items():
        granted = {
            f"{p.content_type.app_label}.{p.codename}"
            for p in Group.objects.get(name=name).permissions.select_related("content_type")
        }
        wanted = {e if "." in e else f"workplans.{e}" for e in entries}
        assert granted == wanted, name


def test_the_secretariat_lifts_a_lockout_in_the_admin(client, secretariat, official_vn):
    secretariat.is_staff = True
    secretariat.save()
    lock_out(client, "official_vn")
    attempt = AccessAttempt.objects.get(username="official_vn")

    admin = client.__class__()
    admin.force_login(secretariat)
    changelist = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert changelist.status_code == 200
    assert "official_vn" in changelist.content.decode()
    delete = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    assert admin.get(delete).status_code == 200
    assert admin.post(delete, {"post": "yes"}).status_code == 302
    assert not AccessAttempt.objects.exists()

    # The official may log in again at once.
    response = client.post(reverse("login"), {"username": "official_vn", "password": PASSWORD})
    assert response.status_code == 302


def test_an_official_may_not_see_access_attempts(client, official_vn):
    official_vn.is_staff = True  # even a staff flag set by mistake gives no access
    official_vn.save()
    client.force_login(official_vn)
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403
