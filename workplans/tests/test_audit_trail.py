"""Every creation, status change and deletion, by any channel, leaves one record of it."""

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from workplans.models import Project, StatusChange
from workplans.services import project_propose, project_set_status

from .conftest import make_plan

A = StatusChange.Action
S = Project.Status


@pytest.fixture
def staff_secretariat(db):
    user = User.objects.create_user("sec_staff", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Secretariat"))
    return user


@pytest.fixture
def plan(plus_three):
    return make_plan(plus_three, "plus-3-plan")


def test_adding_a_project_in_the_admin_is_recorded_with_its_values(
    client, staff_secretariat, plan, viet_nam, japan
):
    client.force_login(staff_secretariat)
    response = client.post(
        reverse("admin:workplans_project_add"),
        {
            "plan": plan.pk,
            "code": "AD-01",
            "title": "Added in the admin",
            "status": S.ONGOING,
            "lead_countries": [viet_nam.pk, japan.pk],
            "description": "",
            "source": "",
            "changes-TOTAL_FORMS": 0,
            "changes-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    project = Project.objects.get(code="AD-01")
    record = StatusChange.objects.get(project=project)
    assert (record.action, record.channel, record.changed_by) == (
        A.CREATED,
        StatusChange.Channel.ADMIN,
        staff_secretariat,
    )
    assert record.to_status == S.ONGOING
    assert record.values["lead_countries"] == ["JP", "VN"]
    assert record.values["plan"] == plan.slug and record.values["title"] == "Added in the admin"


def test_deleting_in_the_admin_leaves_a_record_and_keeps_the_earlier_ones(
    client, staff_secretariat, vn_project, official_vn
):
    project_set_status(project=vn_project, status=S.ONGOING, by=official_vn, expected_version=1)
    client.force_login(staff_secretariat)
    response = client.post(
        reverse("admin:workplans_project_delete", args=[vn_project.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Project.objects.filter(pk=vn_project.pk).exists()
    records = StatusChange.objects.filter(project_label="VN-01 Digital civil service")
    assert [r.action for r in records.order_by("pk")] == [A.STATUS, A.DELETED]
    deleted = records.get(action=A.DELETED)
    assert (deleted.changed_by, deleted.channel, deleted.from_status) == (
        staff_secretariat,
        StatusChange.Channel.ADMIN,
        S.ONGOING,
    )
    assert deleted.values["code"] == "VN-01" and deleted.values["lead_countries"] == ["VN"]
    assert all(r.project is None for r in records)


def test_the_admins_bulk_delete_records_each_project(client, staff_secretariat, plan):
    ids = [p.pk for p in plan.projects.all()] + [
        Project.objects.create(plan=plan, code=f"B-{i}", title=f"B {i}").pk for i in range(3)
    ]
    client.force_login(staff_secretariat)
    response = client.post(
        reverse("admin:workplans_project_changelist"),
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )
    assert response.status_code == 302
    assert StatusChange.objects.filter(action=A.DELETED).count() == len(ids) == 3


def test_a_proposal_is_recorded_as_a_creation(official_jp, plan):
    project = project_propose(plan=plan, title="Seminar", by=official_jp)
    record = project.changes.get()
    assert (record.action, record.to_status, record.changed_by) == (
        A.CREATED,
        S.PROPOSED,
        official_jp,
    )
    assert record.values["proposed_by"] == "JP"


def test_only_those_allowed_delete(client, official_vn, vn_project):
    from django.core.exceptions import PermissionDenied

    from workplans.services import project_delete

    with pytest.raises(PermissionDenied):
        project_delete(project=vn_project, by=official_vn, channel=StatusChange.Channel.WEB)
    assert Project.objects.filter(pk=vn_project.pk).exists()
    assert not StatusChange.objects.exists()
