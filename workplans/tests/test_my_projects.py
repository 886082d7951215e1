"""'My projects' for officials and 'Status by country' for the Secretariat: stale flags, counts, queries."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from workplans.models import Country, Project

from .conftest import make_body, make_plan, make_project, make_user

S = Project.Status


def listed(response) -> list[Project]:
    """The projects on the page's table, in its order."""
    return [row.record for row in response.context["table"].paginated_rows]


def age(project, days: int) -> None:
    """Pretend the project's status was last changed `days` ago."""
    Project.objects.filter(pk=project.pk).update(
        status_changed_at=timezone.now() - timedelta(days=days)
    )


def test_my_projects_lists_my_countrys_projects_grouped_by_plan(
    client, official_vn, plus_three, viet_nam, japan
):
    first = make_plan(plus_three, "first", start_year=2021)
    second = make_plan(plus_three, "second", start_year=2016)
    make_project(first, "A-1", leads=[viet_nam])
    make_project(first, "A-2", leads=[viet_nam, japan])
    make_project(second, "B-1", leads=[viet_nam])
    make_project(first, "JP-1", leads=[japan])
    client.force_login(official_vn)
    response = client.get(reverse("workplans:my_projects"))
    assert response.status_code == 200
    # By plan (the latest first), then by code.
    assert [(p.plan.slug, p.code) for p in listed(response)] == [
        ("first", "A-1"),
        ("first", "A-2"),
        ("second", "B-1"),
    ]
    assert "JP-1" not in response.content.decode()


@pytest.mark.parametrize(
    "status, days, stale",
    [
        (S.PLANNED, 91, True),
        (S.ONGOING, 91, True),
        (S.POSTPONED, 91, True),
        (S.PLANNED, 89, False),
        (S.COMPLETED, 400, False),  # nothing left to update
        (S.CANCELLED, 400, False),
    ],
)
def test_projects_not_updated_for_90_days_are_flagged(
    client, official_vn, vn_project, status, days, stale
):
    Project.objects.filter(pk=vn_project.pk).update(status=status)
    age(vn_project, days)
    client.force_login(official_vn)
    response = client.get(reverse("workplans:my_projects"))
    (project,) = listed(response)
    assert project.is_stale is stale
    assert response.context["stale_total"] == (1 if stale else 0)
    assert ("needs an update" in response.content.decode()) is stale


def test_a_never_updated_project_is_judged_by_its_creation_date(client, official_vn, vn_project):
    Project.objects.filter(pk=vn_project.pk).update(
        status_changed_at=None, created_at=timezone.now() - timedelta(days=200)
    )
    client.force_login(official_vn)
    response = client.get(reverse("workplans:my_projects"))
    assert listed(response)[0].is_stale


def test_the_stale_period_is_a_setting(client, official_vn, vn_project, settings):
    settings.ACCSM_STALE_DAYS = 10
    age(vn_project, 11)
    client.force_login(official_vn)
    response = client.get(reverse("workplans:my_projects"))
    assert response.context["stale_total"] == 1
    assert "not updated for 10 days" in response.content.decode()


def test_stale_only_filter(client, official_vn, vn_project, viet_nam):
    fresh = make_project(vn_project.plan, "VN-02", leads=[viet_nam])
    age(vn_project, 100)
    client.force_login(official_vn)
    response = client.get(reverse("workplans:my_projects") + "?stale=1")
    codes = [p.code for p in listed(response)]
    assert codes == ["VN-01"]
    assert fresh.code not in codes


def test_the_update_link_brings_the_official_back_to_the_list(client, official_vn, vn_project):
    client.force_login(official_vn)
    html = client.get(reverse("workplans:my_projects")).content.decode()
    assert f"{vn_project.get_absolute_url()}?next=/my-projects/#update" in html


def test_my_projects_is_for_officials_only(client, secretariat, viewer):
    for user in (secretariat, viewer):
        client.force_login(user)
        assert client.get(reverse("workplans:my_projects")).status_code == 403


def test_status_by_country_counts_led_stale_and_last_update(
    client, secretariat, official_vn, plus_three, viet_nam, japan
):
    plan = make_plan(plus_three, "plan")
    stale = make_project(plan, "V-1", leads=[viet_nam])
    make_project(plan, "V-2", leads=[viet_nam], status=S.COMPLETED)
    make_project(plan, "V-3", leads=[viet_nam, japan], status=S.ONGOING)
    make_project(plan, "V-4", leads=[viet_nam], status=S.CANCELLED)
    make_project(plan, "J-1", leads=[japan], status=S.PROPOSED)
    age(stale, 120)
    Project.objects.exclude(pk=stale.pk).update(status_changed_at=timezone.now())
    client.force_login(secretariat)
    response = client.get(reverse("workplans:status_by_country"))
    rows = {row.code: row for row in response.context["rows"]}
    assert set(rows) == {"VN", "JP"}
    vn, jp = rows["VN"], rows["JP"]
    assert (vn.led, vn.completed, vn.stale, vn.proposals, vn.officials_count) == (
        3,
        1,
        1,
        0,
        1,
    )
    assert (jp.led, jp.completed, jp.stale, jp.proposals, jp.officials_count) == (
        1,
        0,
        0,
        1,
        0,
    )
    assert vn.last_update.date() == timezone.now().date()
    assert response.context["rows"][0].code == "VN"  # most stale first
    html = response.content.decode()
    assert reverse("workplans:country_projects", args=["VN"]) in html


def test_secretariat_sees_a_countrys_list(client, secretariat, vn_project):
    client.force_login(secretariat)
    response = client.get(reverse("workplans:country_projects", args=["vn"]))
    assert response.status_code == 200
    assert listed(response) == [vn_project]


def build(n_plans: int, n_projects: int) -> None:
    """n_plans plans; each project led by two of three countries, half of them stale."""
    countries = [Country.objects.create(code=c, name=c, group="asean") for c in ("AA", "BB", "CC")]
    body = make_body("big")
    body.members.set(countries)
    for i in range(n_plans):
        make_plan(body, f"p{i}", statuses=[S.PLANNED, S.ONGOING] * (n_projects // 2))
    Project.objects.filter(code__endswith="1").update(
        status_changed_at=timezone.now() - timedelta(days=365)
    )
    through = Project.lead_countries.through
    through.objects.bulk_create(
        through(project_id=pk, country_id=country.pk)
        for pk in Project.objects.values_list("pk", flat=True)
        for country in countries[:2]
    )
    for country in countries:
        make_user(f"official_{country.code}", "Officials", country)


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["my_projects", "country_projects", "status_by_country"])
def test_query_count_does_not_grow_with_the_data(client, page):
    def measure(n_plans: int, n_projects: int):
        with transaction.atomic():
            build(n_plans, n_projects)
            user = (
                make_user("secretariat", "Secretariat")
                if page == "status_by_country"
                else Country.objects.get(code="AA").officials.get().user
            )
            client.force_login(user)
            name = f"workplans:{page}"
            url = reverse(name, args=["AA"]) if page == "country_projects" else reverse(name)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200
            shown = (
                response.context["table"].paginator.count
                if page != "status_by_country"
                else sum(row.led for row in response.context["rows"])
            )
            transaction.set_rollback(True)
        return len(queries), shown

    small, small_shown = measure(2, 2)
    large, large_shown = measure(60, 20)
    assert (small_shown, large_shown) == ((4, 1200) if page != "status_by_country" else (8, 2400))
    assert small == large


def test_a_project_nobody_updated_says_never_updated_not_its_load_time(
    client, secretariat, sources
):
    """The facts' load time is not an update: Viet Nam's conference was never updated here."""
    client.force_login(secretariat)
    by_country = client.get(reverse("workplans:status_by_country"))
    rows = {row.code: row for row in by_country.context["rows"]}
    assert rows["VN"].last_update is None
    html = by_country.content.decode()
    row_html = html[html.index('data-country="VN"') :].split("</tr>")[0]
    assert "never updated" in row_html
    assert timezone.localdate().strftime("%Y") not in row_html

    page = client.get(reverse("workplans:country_projects", args=["VN"])).content.decode()
    row_html = page[page.index('data-project="VN-LOCAL-CONF-3"') :].split("</tr>")[0]
    assert "never updated · status as the source gives it" in row_html


def test_a_countrys_list_is_paginated_sorted_filtered_and_exported_like_projects(
    client, official_vn, vn_project, viet_nam, japan
):
    plan = vn_project.plan
    for n in range(2, 31):
        make_project(
            plan, f"VN-{n:02d}", leads=[viet_nam], status=S.ONGOING if n % 2 else S.PLANNED
        )
    make_project(plan, "JP-01", leads=[japan])
    client.force_login(official_vn)
    url = reverse("workplans:my_projects")

    first = client.get(url)
    assert first.context["table"].paginator.count == 30
    assert len(listed(first)) == 25
    assert [p.code for p in listed(client.get(url, {"page": 2}))] == [
        f"VN-{n}" for n in range(26, 31)
    ]

    by_code = client.get(url, {"sort": "-code"})
    assert listed(by_code)[0].code == "VN-30"

    ongoing = client.get(url, {"status": S.ONGOING})
    assert {p.status for p in listed(ongoing)} == {S.ONGOING}
    assert ongoing.context["table"].paginator.count == 14  # VN-03, VN-05 … VN-29
    # The lead country is given: no filter offers another.
    assert "lead_country" not in ongoing.context["filter"].form.fields

    export = client.get(url, {"status": S.ONGOING, "_export": "csv"})
    lines = b"".join(export.streaming_content).decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + 14
    assert not any("JP-01" in line for line in lines)
    assert lines[0].split(",")[:4] == ["Work plan", "Code", "Title", "Lead countries"]
    assert 'filename="accsm-vn-projects-' in export["Content-Disposition"]


def test_the_secretariats_view_of_a_country_is_the_same_table(client, secretariat, vn_project):
    client.force_login(secretariat)
    response = client.get(reverse("workplans:country_projects", args=["VN"]), {"_export": "json"})
    import json

    rows = json.loads(b"".join(response.streaming_content))
    assert [row["Code"] for row in rows] == ["VN-01"]
    assert rows[0]["Last update"] is None  # never updated: no date invented
