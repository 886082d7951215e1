"""`make run` loads the facts on every start: it adds what is missing and never changes a row."""

import pytest
from django.core.management import call_command

from workplans.models import Meeting, Project, StatusChange, WorkPlan
from workplans.services import proposal_adopt

from .conftest import make_user
from .test_fixtures import row_counts


@pytest.mark.django_db
def test_into_an_empty_database_it_loads_what_loaddata_loads(sources):
    expected = row_counts()
    Project.objects.all().delete()  # a smaller database: the step adds the missing rows back
    call_command("load_facts", verbosity=0)
    assert row_counts() == expected


@pytest.mark.django_db
def test_a_change_and_its_history_survive_loading_again(db):
    call_command("load_facts", verbosity=0)
    secretariat = make_user("secretariat", "Secretariat")
    seminar = Project.objects.get(code="JP-2023-SEM")
    head3 = Meeting.objects.get(body__code="accsm-plus-3", kind=Meeting.Kind.HEAD_PLUS_3)
    proposal_adopt(project=seminar, meeting=head3, by=secretariat, expected_version=1)
    WorkPlan.objects.filter(slug="accsm-work-plan-2021-2025").update(description="Edited")

    call_command("load_facts", verbosity=0)

    seminar.refresh_from_db()
    assert (seminar.status, seminar.version, seminar.adopted_at) == ("planned", 2, head3)
    assert StatusChange.objects.filter(project=seminar).count() == 1
    assert WorkPlan.objects.get(slug="accsm-work-plan-2021-2025").description == "Edited"


@pytest.mark.django_db
def test_new_rows_after_loading_get_fresh_keys(db):
    """The sequences move past the facts' keys, so the next row does not collide (PostgreSQL)."""
    call_command("load_facts", verbosity=0)
    plan = WorkPlan.objects.get(slug="vn-scheme-1439-2019-2025")
    project = Project.objects.create(plan=plan, code="NEW", title="New")
    assert project.pk > 2
