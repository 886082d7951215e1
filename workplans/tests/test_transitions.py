"""The transition rules of project_set_status, the one service every status change goes through."""

from dataclasses import fields

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from workplans import transitions
from workplans.forms import StatusForm
from workplans.models import Project, StatusChange
from workplans.progress import Progress
from workplans.services import project_set_status
from workplans.statuses import ACTIVE, CLOSED, COUNTED

from .conftest import make_plan, make_project

S = Project.Status


def set_status(project, status, by, **kwargs):
    project.refresh_from_db()
    return project_set_status(
        project=project,
        status=status,
        by=by,
        expected_version=project.version,
        **kwargs,
    )


def error_code(excinfo) -> str:
    return excinfo.value.error_list[0].code


@pytest.mark.parametrize(
    "start, target",
    [
        (S.PLANNED, S.ONGOING),
        (S.PLANNED, S.COMPLETED),
        (S.ONGOING, S.COMPLETED),
        (S.ONGOING, S.PLANNED),
        (S.POSTPONED, S.ONGOING),
        (S.POSTPONED, S.CANCELLED),
    ],
)
def test_an_official_moves_their_project_between_open_statuses(
    official_vn, vn_project, start, target
):
    Project.objects.filter(pk=vn_project.pk).update(status=start)
    change = set_status(vn_project, target, official_vn, note="As agreed at the SOM")
    assert (change.from_status, change.to_status) == (start, target)


def test_only_the_secretariat_may_move_a_completed_project_back(
    official_vn, secretariat, vn_project
):
    set_status(vn_project, S.COMPLETED, official_vn)
    with pytest.raises(ValidationError) as excinfo:
        set_status(vn_project, S.ONGOING, official_vn)
    assert error_code(excinfo) == "reopen"
    change = set_status(vn_project, S.ONGOING, secretariat, note="Reported wrongly")
    assert (change.from_status, change.to_status) == (S.COMPLETED, S.ONGOING)
    assert StatusChange.objects.count() == 2


def test_only_the_secretariat_may_reopen_a_cancelled_project(official_vn, secretariat, vn_project):
    # Otherwise a declined proposal could be made planned, and counted, without adoption.
    set_status(vn_project, S.CANCELLED, official_vn, note="No host found")
    with pytest.raises(ValidationError) as excinfo:
        set_status(vn_project, S.PLANNED, official_vn)
    assert error_code(excinfo) == "reopen"
    change = set_status(vn_project, S.PLANNED, secretariat, note="Host found")
    assert (change.from_status, change.to_status) == (S.CANCELLED, S.PLANNED)


def test_an_official_sees_no_form_for_a_completed_project(client, official_vn, vn_project):
    set_status(vn_project, S.COMPLETED, official_vn)
    client.force_login(official_vn)
    page = client.get(vn_project.get_absolute_url())
    assert page.context["status_form"] is None
    assert "Only the Secretariat may move a completed project back" in (page.content.decode())


@pytest.mark.parametrize("status", [S.POSTPONED, S.CANCELLED])
def test_postponing_or_cancelling_needs_a_note(official_vn, vn_project, status):
    with pytest.raises(ValidationError) as excinfo:
        set_status(vn_project, status, official_vn, note=" ")
    assert error_code(excinfo) == "note_required"
    change = set_status(vn_project, status, official_vn, note="COVID-19")
    assert change.note == "COVID-19"


def test_the_same_status_again_is_refused(official_vn, vn_project):
    with pytest.raises(ValidationError) as excinfo:
        set_status(vn_project, S.PLANNED, official_vn)
    assert error_code(excinfo) == "unchanged"


def test_an_unknown_status_is_refused(official_vn, vn_project):
    with pytest.raises(ValidationError) as excinfo:
        set_status(vn_project, "finished", official_vn)
    assert error_code(excinfo) == "unknown_status"


def test_nobody_sets_or_leaves_proposed_by_a_status_change(
    secretariat, vn_project, plus_three, japan
):
    with pytest.raises(ValidationError):
        set_status(vn_project, S.PROPOSED, secretariat)
    proposal = make_project(vn_project.plan, "PROP-01", leads=[japan], status=S.PROPOSED)
    with pytest.raises(ValidationError) as excinfo:
        set_status(proposal, S.PLANNED, secretariat)
    assert error_code(excinfo) == "proposal"


def test_viewers_and_anonymous_users_may_change_nothing(viewer, vn_project):
    from django.contrib.auth.models import AnonymousUser

    for user in (viewer, AnonymousUser()):
        with pytest.raises(PermissionDenied):
            set_status(vn_project, S.ONGOING, user)
    assert not StatusChange.objects.exists()


def test_an_inactive_official_may_change_nothing(official_vn, vn_project):
    official_vn.is_active = False
    official_vn.save()
    with pytest.raises(PermissionDenied):
        set_status(vn_project, S.ONGOING, official_vn)


def test_secretariat_updates_any_project(secretariat, plus_three):
    project = make_project(make_plan(plus_three, "other"), "X-1", leads=[])
    change = set_status(project, S.ONGOING, secretariat)
    assert change.changed_by == secretariat


def test_a_deleted_projects_history_survives_it(official_vn, secretariat, vn_project):
    from workplans.models import StatusChange
    from workplans.services import project_delete

    change = set_status(vn_project, S.ONGOING, official_vn)
    project_delete(project=vn_project, by=secretariat, channel=StatusChange.Channel.WEB)
    change.refresh_from_db()
    assert change.project is None and change.project_label == "VN-01 Digital civil service"


def test_the_one_answer_on_what_each_user_may_set(official_vn, secretariat, vn_project):
    """transitions.options is what the form, the table's links and the service all follow."""
    offered = {o.status: o.note_required for o in transitions.options(vn_project, official_vn)}
    assert offered == {
        S.ONGOING: False,
        S.COMPLETED: False,
        S.POSTPONED: True,
        S.CANCELLED: True,
    }
    set_status(vn_project, S.COMPLETED, official_vn)
    assert transitions.options(vn_project, official_vn) == []
    assert transitions.closed_to(vn_project, official_vn)
    assert S.PLANNED in {o.status for o in transitions.options(vn_project, secretariat)}
    form = StatusForm(project=vn_project, user=official_vn)
    assert [value for value, _label in form.fields["status"].choices] == [""]


def test_every_status_rule_derives_from_the_one_list_of_statuses():
    assert {f.name for f in fields(Progress)} == {status.value for status in COUNTED}
    assert [s["status"] for s in Progress().segments()] == [s.value for s in COUNTED]
    assert set(COUNTED) | {S.PROPOSED, S.CANCELLED} == set(S)
    assert set(ACTIVE) == set(COUNTED) - set(CLOSED)
