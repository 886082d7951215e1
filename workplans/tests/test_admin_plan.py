"""The work-plan admin opens and saves a plan of 5,000 projects: no inline of its projects."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from workplans.models import Project, WorkPlan

from .conftest import make_body, make_plan

S = Project.Status


def grow(plan: WorkPlan, count: int) -> None:
    statuses = [S.COMPLETED, S.ONGOING, S.PLANNED, S.POSTPONED]
    Project.objects.bulk_create(
        Project(plan=plan, code=f"BULK-{n:05d}", title=f"Activity {n}", status=statuses[n % 4])
        for n in range(count)
    )


def post_data(response) -> dict:
    """What the browser would post back: the plan's fields and the inlines' management forms."""
    form = response.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data["predecessor"] = data["predecessor"] or ""
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management[name].value()
        for index, inline_form in enumerate(formset.formset.forms):
            for name in inline_form.fields:
                value = inline_form[name].value()
                data[f"{formset.formset.prefix}-{index}-{name}"] = "" if value is None else value
    return data


def change_page(client, plan):
    return client.get(reverse("admin:workplans_workplan_change", args=[plan.pk]))


def test_a_plan_of_5000_projects_opens_and_saves(admin_client, db):
    plan = make_plan(make_body("accsm"), "big-plan")
    small = make_plan(make_body("other"), "small-plan")
    grow(small, 10)
    change_page(admin_client, small)  # warm caches (content types) out of the count
    with CaptureQueriesContext(connection) as few:
        assert change_page(admin_client, small).status_code == 200
    grow(plan, 5000)
    with CaptureQueriesContext(connection) as many:
        response = change_page(admin_client, plan)
    assert response.status_code == 200
    assert len(many) == len(few), (
        [q["sql"][:90] for q in few.captured_queries],
        [q["sql"][:90] for q in many.captured_queries],
    )

    html = response.content.decode()
    assert html.count("name=") < 100
    assert "5000 projects" in html or "5,000 projects" in html
    assert "Completed: 1250" in html
    assert f"?plan__id__exact={plan.pk}" in html

    data = post_data(response)
    data["title"] = "Big plan, renamed"
    saved = admin_client.post(reverse("admin:workplans_workplan_change", args=[plan.pk]), data)
    assert saved.status_code == 302, saved.context["adminform"].form.errors if saved.context else ""
    plan.refresh_from_db()
    assert plan.title == "Big plan, renamed"
    assert plan.projects.count() == 5000


def test_the_link_lists_the_plans_projects(admin_client, db):
    plan = make_plan(make_body("accsm"), "plan-a", statuses=[S.PLANNED, S.ONGOING])
    make_plan(make_body("other"), "plan-b", statuses=[S.COMPLETED])
    url = reverse("admin:workplans_project_changelist") + f"?plan__id__exact={plan.pk}"
    response = admin_client.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 2
