"""The projects tables: filters, sort, page size in the URL, and constant query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from workplans.models import Country, PriorityArea, Project

from .conftest import make_body, make_plan

S = Project.Status


@pytest.fixture
def plans(db, viet_nam, japan):
    """Two bodies, three plans; the ACCSM 2021–2025 plan itemized with leads, areas, years."""
    accsm, plus3 = make_body("accsm"), make_body("accsm-plus-3", short_name="ACCSM+3")
    plan = make_plan(
        accsm,
        "accsm-work-plan-2021-2025",
        statuses=[
            S.COMPLETED,
            S.PLANNED,
            S.ONGOING,
            S.PLANNED,
            S.POSTPONED,
            S.PROPOSED,
        ],
    )
    areas = [
        PriorityArea.objects.create(plan=plan, number=n, title=f"Action line {n}")
        for n in (1, 2, 3)
    ]
    for i, project in enumerate(plan.projects.order_by("code")):
        project.year = 2021 + i % 3
        project.priority_area = areas[i % 3]
        project.save()
        project.lead_countries.set([viet_nam] if i % 2 == 0 else [japan, viet_nam])
    other = make_plan(plus3, "accsm-plus-3-work-plan-2021-2025", statuses=[S.PLANNED] * 3)
    Project.objects.filter(plan=other, code="P002").update(title="Digital civil service")
    make_plan(accsm, "accsm-work-plan-2016-2020", statuses=[S.COMPLETED], start_year=2016)
    return plan


def codes(response) -> list[str]:
    table = response.context["table"]
    return [row.record.code for row in table.paginated_rows]


def test_all_projects_lists_every_plan(client, plans):
    response = client.get(reverse("workplans:project_list"))
    assert response.status_code == 200
    assert response.context["table"].paginator.count == Project.objects.count() == 10


@pytest.mark.parametrize(
    "query, expected",
    [
        ("status=planned", ["P002", "P004"]),
        ("status=planned&status=completed", ["P001", "P002", "P004"]),
        ("lead_country=JP", ["P002", "P004", "P006"]),
        ("area=2", ["P002", "P005"]),
        ("year=2022", ["P002", "P005"]),
        ("q=project 3", ["P003"]),
        ("q=p00", ["P001", "P002", "P003", "P004", "P005", "P006"]),
        ("status=planned&lead_country=JP", ["P002", "P004"]),
        ("status=planned&lead_country=VN&year=2021", ["P004"]),
    ],
)
def test_filters_within_a_plan(client, plans, query, expected):
    url = reverse("workplans:plan_projects", args=[plans.slug]) + "?" + query
    response = client.get(url)
    assert response.status_code == 200
    assert codes(response) == expected


def test_filters_across_plans_by_body_plan_and_text(client, plans):
    url = reverse("workplans:project_list")
    by_body = client.get(url, {"body": "accsm-plus-3"})
    assert {r.record.plan.slug for r in by_body.context["table"].paginated_rows} == {
        "accsm-plus-3-work-plan-2021-2025"
    }
    by_plan = client.get(url, {"plan": "accsm-work-plan-2016-2020"})
    assert by_plan.context["table"].paginator.count == 1
    by_text = client.get(url, {"q": "digital"})
    assert codes(by_text) == ["P002"]
    assert by_text.context["table"].rows[0].record.plan.slug.startswith("accsm-plus-3")


def test_every_column_sorts_both_ways(client, plans):
    url = reverse("workplans:plan_projects", args=[plans.slug])
    table = client.get(url).context["table"]
    names = [column.name for column in table.columns]
    assert names == [
        "code",
        "title",
        "lead_countries",
        "priority_area",
        "year",
        "status",
        "status_changed_at",
    ]
    for name in names:
        assert table.columns[name].orderable, name
        up = client.get(url, {"sort": name})
        down = client.get(url, {"sort": f"-{name}"})
        assert up.status_code == down.status_code == 200
        assert sorted(codes(up)) == sorted(codes(down)) == codes(client.get(url))
    assert codes(client.get(url, {"sort": "-code"}))[0] == "P006"
    by_lead = codes(client.get(url, {"sort": "-lead_countries"}))
    # Japan's code (JP) sorts before VN: descending, the VN-only projects come first, their
    # ties by id in the sort's direction too.
    assert by_lead[:3] == ["P005", "P003", "P001"]


def test_page_size_and_page_live_in_the_url(client, plans):
    url = reverse("workplans:project_list")
    response = client.get(url, {"per_page": 25, "sort": "-code"})
    assert response.context["table"].paginator.per_page == 25
    Project.objects.bulk_create(
        Project(plan=plans, code=f"X{i:03}", title=f"Extra {i}") for i in range(60)
    )
    response = client.get(url, {"per_page": 50, "page": 2, "status": "planned"})
    table = response.context["table"]
    assert table.paginator.per_page == 50
    assert table.page.number == 2
    html = response.content.decode()
    # Links keep every other parameter: the filtered, sorted, sized view can be shared.
    assert "per_page=50" in html and "status=planned" in html
    assert 'name="per_page"' in html


@pytest.mark.parametrize("sort", ["", "-title", "priority_area"])  # by plan, plain, by area
def test_a_page_past_the_last_or_not_a_number_shows_the_first_counted_once(client, plans, sort):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("workplans:project_list")
    first = client.get(url, {"sort": sort})
    with CaptureQueriesContext(connection) as on_first:
        client.get(url, {"sort": sort})
    for page in ("999", "abc"):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, {"sort": sort, "page": page})
        assert response.context["table"].page.number == 1
        assert codes(response) == codes(first)
        assert len(captured) == len(on_first)  # the rows are not counted again for page 1


def test_an_oversized_page_size_is_refused_not_served(client, plans):
    response = client.get(reverse("workplans:project_list"), {"per_page": 100000})
    assert response.status_code == 200
    assert response.context["filter"].form.errors["per_page"]
    assert response.context["table"].paginator.count == 0


def test_invalid_filters_show_errors_and_no_rows(client, plans):
    response = client.get(reverse("workplans:project_list"), {"year": "soon"})
    assert response.status_code == 200
    assert "year" in response.context["filter"].form.errors
    assert response.context["table"].paginator.count == 0


def test_the_sort_survives_a_new_filter(client, plans):
    html = client.get(
        reverse("workplans:plan_projects", args=[plans.slug]), {"sort": "-year"}
    ).content.decode()
    assert '<input type="hidden" name="sort" value="-year">' in html


def test_plan_page_links_to_its_filtered_table(client, plans):
    html = client.get(plans.get_absolute_url()).content.decode()
    assert reverse("workplans:plan_projects", args=[plans.slug]) in html


def test_unknown_plan_is_404(client, db):
    assert client.get(reverse("workplans:plan_projects", args=["nope"])).status_code == 404


def grow(plan, n: int) -> None:
    countries = list(Country.objects.all())
    area = PriorityArea.objects.create(plan=plan, number=9, title="More")
    projects = Project.objects.bulk_create(
        Project(
            plan=plan,
            code=f"G{i:05}",
            title=f"Grown {i}",
            year=2020 + i % 9,
            priority_area=area,
        )
        for i in range(n)
    )
    Through = Project.lead_countries.through
    Through.objects.bulk_create(
        Through(project_id=p.pk, country_id=c.pk) for p in projects for c in countries
    )


QUERY_URLS = [
    ("project_list", {}, {"per_page": 200}),
    (
        "project_list",
        {},
        {"status": ["planned", "completed"], "sort": "-lead_countries"},
    ),
    (
        "plan_projects",
        {"slug": "accsm-work-plan-2021-2025"},
        {"per_page": 100, "sort": "year"},
    ),
]


@pytest.mark.parametrize("name, kwargs, query", QUERY_URLS)
def test_query_count_does_not_grow_with_the_projects(client, plans, name, kwargs, query):
    url = reverse(f"workplans:{name}", kwargs=kwargs)

    def measure():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, query).status_code == 200
        return captured

    small = measure()
    grow(plans, 300)
    large = measure()
    assert len(small) == len(large)
    for sql in (q["sql"] for q in large.captured_queries):
        # No query reads every project to build the filter form or the page.
        if 'FROM "workplans_project"' in sql:
            assert any(word in sql for word in ("LIMIT", "COUNT(", "DISTINCT")), sql


def test_a_long_list_of_plans_is_not_offered_but_any_plan_is_accepted(client, plans, monkeypatch):
    from workplans.tables import choices

    monkeypatch.setattr(choices, "PLAN_OPTIONS", 1)
    response = client.get(reverse("workplans:project_list"))
    field = response.context["filter"].form["plan"]
    assert [value for value, _label in field.field.choices if value] == []
    assert "Too many plans to list: choose a body" in response.content.decode()
    assert 'aria-describedby="id_plan_helptext"' in response.content.decode()
    # Any plan is still accepted, and filters.
    chosen = client.get(reverse("workplans:project_list"), {"plan": plans.slug})
    assert chosen.context["filter"].form.is_valid()
    assert {row.record.plan_id for row in chosen.context["table"].paginated_rows} == {plans.pk}
