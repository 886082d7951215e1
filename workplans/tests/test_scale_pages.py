"""The pages made for scale show what the plain reads would: a page of projects by plan is the
same page as the sorted table's; a plan's short lists read inline are the rows themselves; the
progress table's pages and the annex of every body hold every figure somewhere."""

from decimal import Decimal

import pytest
from django.db.models import Q

from workplans import inline
from workplans.models import Milestone, PriorityArea, Project, Target, WorkPlan
from workplans.progress_rows import progress_rows
from workplans.selectors import listed_projects
from workplans.tables.choices import plan_catalogue
from workplans.tables.projects import PLAN_ORDER
from workplans.views.listing import stable

from .conftest import make_body, make_plan, make_project

S = Project.Status


@pytest.fixture
def plans(db, viet_nam, japan):
    """Plans of uneven sizes across two bodies, one with no start year, titles that tie;
    projects in three numbered areas or none."""
    one, two = make_body("one", position=1), make_body("two", position=0)
    sizes = {(one, "a", 2021): 7, (one, "b", 2016): 1, (two, "c", 2021): 12, (two, "d", None): 4}
    for (body, slug, start), size in sizes.items():
        plan = WorkPlan.objects.create(
            body=body, title="Same title", slug=slug, start_year=start, end_year=2025
        )
        areas = [None] + [
            PriorityArea.objects.create(plan=plan, number=n, title=f"Area {n}") for n in (1, 2, 3)
        ]
        for n in range(size):
            make_project(
                plan,
                f"X{(n * 7) % 13:02}-{n}",
                leads=[viet_nam] if n % 2 else [japan, viet_nam],
                status=[S.PLANNED, S.ONGOING, S.COMPLETED][n % 3],
                priority_area=areas[(n * 5) % 4],
            )
    return WorkPlan.objects.all()


def codes(response) -> list[int]:
    return [row.record.pk for row in response.context["table"].paginated_rows]


@pytest.mark.parametrize(
    "sort", ["", "plan", "-plan", "body", "-body", "priority_area", "-priority_area"]
)
@pytest.mark.parametrize("status", ["", "ongoing"])
@pytest.mark.parametrize("union", [1, 3])  # pages of 2-3 groups: in one IN, or a UNION ALL
def test_a_page_by_plan_is_the_page_of_the_sorted_table(
    client, plans, sort, status, union, monkeypatch
):
    from workplans.views import paging

    monkeypatch.setattr(paging, "UNION_GROUPS", union)
    monkeypatch.setattr(paging, "SORTED_ROWS", 0)  # these groups are small: union them anyway
    params = {"per_page": 25}
    if sort:
        params["sort"] = sort
    if status:
        params["status"] = status
    keys = ["priority_area__number"] if "area" in sort else PLAN_ORDER
    ordering = [key if not sort.startswith("-") else _reverse(key) for key in keys]
    expected = listed_projects().order_by(*ordering)
    if status:
        expected = expected.filter(status=status)
    expected = [p.pk for p in stable(expected)]
    # Pages of 25 hold everything at once: cut them smaller to cross plans mid-page.
    seen, page = [], 1
    original = paging.GroupPaginator.__init__

    def small_pages(self, rows, per_page, **kwargs):
        original(self, rows, 5, **kwargs)

    try:
        paging.GroupPaginator.__init__ = small_pages
        while True:
            response = client.get("/projects/", {**params, "page": page})
            table = response.context["table"]
            assert type(table.paginator).__name__ == "GroupPaginator"
            assert table.paginator.count == len(expected)
            seen += codes(response)
            if page >= table.paginator.num_pages:
                break
            page += 1
    finally:
        paging.GroupPaginator.__init__ = original
    assert seen == expected
    assert len(seen) == len(set(seen)) and page > 1


@pytest.mark.parametrize("chosen", [{"lead_country": "JP"}, {"body": "two"}, {"body": "one"}])
@pytest.mark.parametrize("sort", ["", "-plan"])
@pytest.mark.parametrize("walked", [0, 10**6])  # pages found by counting every plan, or walking
def test_pages_by_plan_counted_more_cheaply_are_the_sorted_tables(
    client, plans, chosen, sort, walked, monkeypatch
):
    from workplans.views import paging

    monkeypatch.setattr(paging, "WALKED_PLANS", walked)
    ordering = PLAN_ORDER if not sort else [_reverse(key) for key in PLAN_ORDER]
    expected = listed_projects().order_by(*ordering)
    if "lead_country" in chosen:
        expected = expected.filter(lead_countries__code=chosen["lead_country"])
    else:
        expected = expected.filter(plan__body__code=chosen["body"])
    expected = [p.pk for p in stable(expected)]
    original = paging.GroupPaginator.__init__

    def small_pages(self, rows, per_page, **kwargs):  # pages of 3: many pages, plans crossed
        original(self, rows, 3, **kwargs)

    monkeypatch.setattr(paging.GroupPaginator, "__init__", small_pages)
    seen, page = [], 1
    while True:
        response = client.get("/projects/", {**chosen, "page": page, "sort": sort or "plan"})
        table = response.context["table"]
        assert table.paginator.count == len(expected)
        seen += codes(response)
        if page >= table.paginator.num_pages:
            break
        page += 1
    assert seen == expected and page > 1


def test_a_lead_countrys_or_a_bodys_projects_alone_are_counted_more_cheaply(plans):
    from workplans.tables.filters import ProjectFilter

    lone = make_project(WorkPlan.objects.first(), "NOLEAD")  # led by nobody: never counted
    assert not lone.lead_countries.exists()
    for code in ("JP", "VN"):
        led = ProjectFilter({"lead_country": code}, queryset=listed_projects())
        expected = Project.objects.filter(lead_countries__code=code).count()
        assert led.quick_count() == led.qs.count() == expected
    for code in ("one", "two"):
        body = ProjectFilter({"body": code}, queryset=listed_projects())
        expected = Project.objects.filter(plan__body__code=code).count()
        assert body.quick_count() == body.qs.count() == expected
        assert body.listed_plans() == [p.pk for p in plan_catalogue() if p.body_code == code]
    # Another filter beside it, none, or an unknown country: counted plan by plan as usual.
    for data in (
        {"lead_country": "JP", "status": ["planned"]},
        {"lead_country": "JP", "q": "X0"},
        {"lead_country": "JP", "plan": "a"},
        {"lead_country": "JP", "body": "one"},
        {"lead_country": "JP", "year": "2021"},
        {"body": "one", "status": ["planned"]},
        {"plan": "a"},
        {},
        {"lead_country": "ZZ"},
    ):
        assert ProjectFilter(data, queryset=listed_projects()).quick_count() is None, data
    chosen = ProjectFilter({"plan": "c", "body": "two"}, queryset=listed_projects())
    assert chosen.listed_plans() == [WorkPlan.objects.get(slug="c").pk]
    every = ProjectFilter({}, queryset=listed_projects())
    assert every.listed_plans() == [p.pk for p in plan_catalogue()]


def _reverse(key: str) -> str:
    return key[1:] if key.startswith("-") else f"-{key}"


def test_the_catalogue_orders_the_plans_as_the_tables_do(plans):
    by_table = list(dict.fromkeys(p.plan_id for p in listed_projects().order_by(*PLAN_ORDER)))
    assert [p.pk for p in plan_catalogue()] == by_table


def test_a_plans_short_lists_read_inline_are_its_rows(db, viet_nam):
    plan = make_plan(make_body(), "inline")
    PriorityArea.objects.create(plan=plan, number=2, title="Two", title_vi="Hai")
    PriorityArea.objects.create(plan=plan, number=1, title="One", proposed_by=viet_nam)
    Target.objects.create(
        plan=plan,
        description="All",
        target_percent=Decimal("100.0"),
        start_year=2019,
        end_year=2025,
    )
    Target.objects.create(
        plan=plan,
        description="Most",
        target_percent=Decimal("80.5"),
        start_year=2019,
        end_year=2025,
        achieved_percent=Decimal("12.3"),
    )
    Milestone.objects.create(plan=plan, description="Later", due_label="Q2", due_date="2019-06-30")
    Milestone.objects.create(
        plan=plan,
        description="First",
        due_label="Q1",
        due_date="2019-03-31",
        achieved_on="2019-03-01",
        outcome="Issued",
    )
    row = WorkPlan.objects.annotate(
        area_rows=inline.rows_of(PriorityArea.objects.all(), "plan", ("proposed_by",)),
        target_rows=inline.rows_of(Target.objects.all(), "plan"),
        milestone_rows=inline.rows_of(Milestone.objects.all(), "plan"),
        no_rows=inline.rows_of(Target.objects.filter(Q(pk=None)), "plan"),
    ).get(pk=plan.pk)

    def fields(objects) -> list[dict]:
        return [
            {f.attname: getattr(o, f.attname) for f in o._meta.concrete_fields} for o in objects
        ]

    areas = inline.instances(PriorityArea, row.area_rows, "number")
    assert fields(areas) == fields(plan.areas.order_by("number"))
    assert areas[0].proposed_by == viet_nam and areas[0].proposed_by.name == "Viet Nam"
    assert areas[1].proposed_by is None
    targets = inline.instances(Target, row.target_rows, "pk")
    assert fields(targets) == fields(plan.targets.order_by("pk"))
    assert [str(t.target_percent) for t in targets] == ["100.0", "80.5"]
    milestones = inline.instances(Milestone, row.milestone_rows, "due_date")
    assert fields(milestones) == fields(plan.milestones.order_by("due_date"))
    assert inline.instances(Target, row.no_rows, "pk") == []


def test_the_progress_table_pages_its_rows_with_the_sums_above(client, plans, monkeypatch):
    from workplans.views import tables

    monkeypatch.setattr(tables, "PROGRESS_ROWS", 3)
    rows = progress_rows(WorkPlan.objects.all())
    pages, shown = [], []
    for page in (1, 2):
        response = client.get("/progress/", {"page": page})
        table = response.context["table"]
        pages.append(table.paginator.num_pages)
        shown += [row.record.label for row in table.paginated_rows]
        sums = response.context["sums"]
        assert [row.kind for row in sums.data] == ["subtotal", "subtotal", "total"]
    assert pages == [3, 3] and shown == [row.label for row in rows][:6]
    # The export holds every row, whatever the page.
    export = client.get("/progress/", {"page": 2, "_export": "csv"})
    lines = b"".join(export.streaming_content).decode().splitlines()
    assert len(lines) == 1 + len(rows) == 1 + 4 + 3
    # One page: the table as it always was, no separate sums.
    monkeypatch.setattr(tables, "PROGRESS_ROWS", 50)
    assert client.get("/progress/").context["sums"] is None


def test_the_annex_of_every_body_sends_a_large_bodys_plans_to_its_own(client, plans, monkeypatch):
    from workplans.views import tables

    monkeypatch.setattr(tables, "ANNEX_PLANS", 2)
    html = client.get("/annex/").content.decode()
    # ONE holds two plans: listed. TWO holds two as well; with one more, it is summed only.
    assert html.count('data-kind="plan"') == 4
    make_plan(WorkPlan.objects.get(slug="c").body, "e", statuses=[S.PLANNED])
    html = client.get("/annex/").content.decode()
    assert html.count('data-kind="plan"') == 2
    assert 'data-hidden-plans="3"' in html
    assert "3 plans, listed in the annex of TWO" in html and 'href="/annex/two/' in html
    own = client.get("/annex/two/").content.decode()
    assert own.count('data-kind="plan"') == 3 and "data-hidden-plans" not in own


def test_a_projects_lead_key_follows_its_lead_countries_however_they_change(db, viet_nam, japan):
    from workplans.models import Country

    def key(project) -> str | None:
        return Project.objects.get(pk=project.pk).lead_key

    thailand = Country.objects.create(code="TH", name="Thailand", group="asean")
    project = make_project(make_plan(make_body(), "keys"), "K1", leads=[viet_nam])
    assert key(project) == "VN"
    project.lead_countries.add(japan)
    assert key(project) == "JP"
    japan.led_projects.remove(project)  # from the country's side
    assert key(project) == "VN"
    thailand.led_projects.add(project)
    assert key(project) == "TH"
    # A save of an instance read before the change does not write its old key back.
    stale = Project.objects.get(pk=project.pk)
    project.lead_countries.set([japan])
    stale.title = "Renamed"
    stale.save()
    assert key(project) == "JP"
    japan.code = "ZJ"  # a country's code corrected in the admin
    japan.save()
    assert key(project) == "ZJ"
    japan.led_projects.clear()
    assert key(project) == ""
    project.lead_countries.set([viet_nam, thailand])
    project.lead_countries.clear()
    assert key(project) == ""


def test_the_lead_country_sort_is_by_the_first_lead_countrys_code(client, plans):
    def first(project) -> str:
        return min((c.code for c in project.lead_countries.all()), default="")

    for sort in ("lead_countries", "-lead_countries"):
        response = client.get("/projects/", {"sort": sort, "per_page": 100})
        projects = [row.record for row in response.context["table"].paginated_rows]
        keys = [first(p) for p in projects]
        assert keys == sorted(keys, reverse=sort.startswith("-")) and len(set(keys)) > 1


def test_the_tables_remember_render_signatures_as_django_tables2_reads_them(db):
    import inspect

    from django_tables2 import utils

    from workplans.tables.projects import ProjectListTable

    def read(fn) -> tuple:
        parameters = inspect.signature(fn).parameters.values()
        keywords = [p.name for p in parameters if p.kind == p.VAR_KEYWORD]
        args = [p.name for p in parameters if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)]
        return tuple(args), keywords[0] if keywords else None

    first, second = ProjectListTable([]), ProjectListTable([])
    for fn in (
        first.render_status,
        second.render_status,
        first.render_lead_countries,
        ProjectListTable.value_plan,
        lambda record, **kwargs: None,
    ):
        assert utils.signature(fn) == read(fn)
    assert getattr(utils.signature, "remembers", False)


def test_table_rows_drawn_by_the_tag_are_those_of_django_tables2s_template(
    rf, plans, viet_nam, official_vn
):
    import re

    import django_tables2 as tables
    from django.template.loader import render_to_string

    from workplans.progress_rows import progress_rows
    from workplans.selectors import projects_led_by
    from workplans.tables.projects import CountryProjectTable, ProgressTable, ProjectListTable

    class Marked(ProjectListTable):
        # A choice field's label as the value; a value that cannot be read on some rows.
        label = tables.Column(accessor="status")
        area_title = tables.Column(accessor="priority_area__title")
        # A link with an attribute of its own besides its address.
        linked = tables.Column(accessor="code", linkify=True, attrs={"a": {"class": "x"}})

        class Meta(ProjectListTable.Meta):
            row_attrs = {"data-code": lambda record: record.code}
            attrs = {"td": {"data-row": lambda record: record.pk}}

    def tbody(table, template: str) -> str:
        request = rf.get("/")
        tables.RequestConfig(request, paginate={"per_page": 10}).configure(table)
        html = render_to_string(template, {"table": table, "request": request})
        body = html[html.index("<tbody") : html.index("</tbody>")]
        return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", body)).strip()

    for make in (
        lambda: ProjectListTable(listed_projects()),
        lambda: Marked(listed_projects()),
        lambda: ProgressTable(progress_rows(WorkPlan.objects.all())),
        lambda: CountryProjectTable(projects_led_by(viet_nam), user=official_vn),
    ):
        ours = tbody(make(), "workplans/tables/table.html")
        theirs = tbody(make(), "django_tables2/bootstrap5.html")
        assert ours == theirs and ours.count("<tr") > 3


def test_a_search_counts_its_matches_up_to_a_cap_and_says_there_are_more(
    client, plans, monkeypatch
):
    from workplans.views import paging

    monkeypatch.setattr(paging, "SEARCH_CAP", 10)
    broad = client.get("/projects/", {"q": "x", "sort": "code"})
    paginator = broad.context["table"].paginator
    assert paginator.capped and paginator.count == 10 and paginator.num_pages == 1
    matches = stable(listed_projects().filter(code__icontains="x").order_by("code"))
    assert codes(broad) == [p.pk for p in matches][:10]
    summary = broad.content.decode()
    assert "More than 10 projects and activities" in summary
    assert "narrow the search to see the others" in summary

    narrow = client.get("/projects/", {"q": "X05", "sort": "code"})
    paginator = narrow.context["table"].paginator
    assert not paginator.capped
    assert paginator.count == listed_projects().filter(code__icontains="X05").count() > 0
    assert "More than" not in narrow.content.decode()

    # Only a search is counted up to the cap: a table without one is counted exactly.
    assert client.get("/projects/", {"sort": "code"}).context["table"].paginator.count == 24


@pytest.mark.parametrize("sort", ["plan", "-plan"])
@pytest.mark.parametrize("status", ["", "ongoing"])
def test_a_broad_search_by_plan_pages_as_the_sorted_table_up_to_the_cap(
    client, plans, monkeypatch, sort, status
):
    """Past the cap, PostgreSQL counts the plans' matches in order only as far as the page
    (paging.walked_counts); each page is still that of the fully sorted table."""
    from django.db import connection

    from workplans.views import paging

    monkeypatch.setattr(paging, "SEARCH_CAP", 6)
    original = paging.GroupPaginator.__init__
    monkeypatch.setattr(
        paging.GroupPaginator,
        "__init__",
        lambda self, rows, per_page, **kw: original(self, rows, 4, **kw),
    )
    keys = PLAN_ORDER if sort == "plan" else [_reverse(key) for key in PLAN_ORDER]
    matches = listed_projects().filter(code__icontains="x").order_by(*keys)
    if status:
        matches = matches.filter(status=status)
    expected = [p.pk for p in stable(matches)]
    walked = connection.vendor == "postgresql" and len(expected) > 6
    shown = expected[:6] if walked else expected
    seen, page = [], 1
    while True:
        params = {"q": "x", "sort": sort, "page": page, **({"status": status} if status else {})}
        response = client.get("/projects/", params)
        paginator = response.context["table"].paginator
        assert paginator.capped == walked and paginator.count == len(shown)
        seen += codes(response)
        if page >= paginator.num_pages:
            break
        page += 1
    assert seen == shown and page > 1
