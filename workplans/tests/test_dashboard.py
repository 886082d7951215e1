"""The dashboard and the plan page: the sources' figures, their source, constant query counts."""

import itertools
import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from workplans.models import Country, Project, WorkPlan

from .conftest import make_body, make_meeting, make_plan, make_report

S = Project.Status


def test_dashboard_shows_the_reported_figures_and_their_source(client, sources):
    html = client.get(reverse("workplans:dashboard")).content.decode()
    for figure in ["22.6 %", "16.1 %", "61.3 %", "21.9 %", "12.5 %", "65.6 %"]:
        assert figure in html
    assert "ACCSM Work Plan 2021–2025" in html
    assert "ACCSM+3 Work Plan 2021–2025" in html
    assert "Reported at SOM, ACCSM 21" in html
    assert "Reported at SOM+3, ACCSM 21" in html
    assert "Commemorating 50 years of ASEAN–Japan friendship" in html


def test_japans_proposal_is_pending_and_not_counted(client, sources):
    plan = WorkPlan.objects.get(slug="accsm-plus-3-work-plan-2021-2025")
    response = client.get(plan.get_absolute_url())
    progress = response.context["progress"]
    assert progress.pending == 1
    assert progress.live is None  # only a proposal: the plan is not itemized
    assert progress.figures.total == 32
    assert "pending, not counted" in response.content.decode()


def test_plan_page_shows_figures_history_and_action_lines(client, sources):
    plan = WorkPlan.objects.get(slug="accsm-work-plan-2021-2025")
    html = client.get(plan.get_absolute_url()).content.decode()
    assert "22.6 %" in html and "16.1 %" in html and "61.3 %" in html
    assert "Reported at SOM, ACCSM 21" in html
    assert html.count('<li value="') == 5
    assert "ACCSM Work Plan 2016–2020" in html  # its predecessor


def test_a_plan_with_nothing_counted_shows_a_dash(client, db):
    plan = make_plan(make_body(), "empty", statuses=[S.CANCELLED])
    response = client.get(plan.get_absolute_url())
    assert response.status_code == 200
    assert 'data-figure="completion">—<' in response.content.decode()


def test_unknown_plan_and_project_are_404(client, db):
    assert client.get(reverse("workplans:plan_detail", args=["nope"])).status_code == 404
    assert client.get(reverse("workplans:project_detail", args=[999])).status_code == 404


def build(n_plans: int, n_projects: int) -> WorkPlan:
    """n_plans plans over two bodies, each with a report and n_projects projects of mixed status."""
    countries = [Country.objects.create(code=c, name=c, group="asean") for c in ("AA", "BB")]
    bodies = [make_body("one"), make_body("two")]
    statuses = itertools.cycle([S.COMPLETED, S.ONGOING, S.PLANNED, S.POSTPONED, S.PROPOSED])
    plans = []
    for i in range(n_plans):
        body = bodies[i % 2]
        plan = make_plan(body, f"plan-{i}", statuses=[next(statuses) for _ in range(n_projects)])
        make_report(plan, make_meeting(body, day=f"2022-08-{1 + i % 28:02}"), completed=1)
        plans.append(plan)
    for project in Project.objects.all():
        project.lead_countries.set(countries)
    return plans[0]


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["dashboard", "plan"])
def test_query_count_does_not_grow_with_the_data(client, page):
    def measure(n_plans: int, n_projects: int) -> tuple[int, tuple[int, int]]:
        # Each size is built inside a savepoint that is rolled back, so both start empty.
        with transaction.atomic():
            first = build(n_plans, n_projects)
            url = (
                reverse("workplans:dashboard") if page == "dashboard" else first.get_absolute_url()
            )
            queries = count_queries(client, url)
            sizes = (WorkPlan.objects.count(), Project.objects.count())
            transaction.set_rollback(True)
        return queries, sizes

    # Both sizes hold every status (proposals too: a page reads them only when there are some).
    small, small_sizes = measure(3, 5)
    large, large_sizes = measure(30, 50)
    assert (small_sizes, large_sizes) == ((3, 15), (30, 1500))
    assert small == large


def test_the_bar_is_sized_by_counts_and_reads_out_percentages(client, sources):
    html = client.get(reverse("workplans:dashboard")).content.decode()
    # ACCSM 2021–2025 as reported: 7 completed, 5 ongoing, 19 planned, drawn end to end.
    assert 'viewBox="0 0 31 1"' in html
    assert 'class="seg-completed" x="0" width="7"' in html
    assert 'class="seg-ongoing" x="7" width="5"' in html
    assert 'class="seg-planned" x="12" width="19"' in html
    assert (
        'aria-label="Completed: 7 (22.6 %), Ongoing or annual: 5 (16.1 %), Planned: 19 (61.3 %)'
        in html
    )


def test_a_body_with_many_plans_shows_a_few_and_links_to_all(client, db, settings):
    """At ASEAN scale a body has many plans: its card shows the current ones first, a few,
    and its total still counts them all; proposals are a count and the latest few."""
    from django.utils import timezone

    from workplans.services import project_propose

    from .conftest import make_user

    settings.ACCSM_DASHBOARD_PLANS = 3
    body = make_body("many", short_name="MANY")
    this_year = timezone.localdate().year
    for i, start in enumerate([2001, 2006, this_year - 1, 2011, this_year - 3]):
        make_plan(body, f"many-{i}", statuses=[S.COMPLETED, S.PLANNED], start_year=start)
    country = Country.objects.create(code="AA", name="AA", group="asean")
    body.members.set([country])
    proposer = make_user("proposer", "Officials", country)
    plan = WorkPlan.objects.get(slug="many-0")
    for i in range(7):
        project_propose(plan=plan, title=f"Proposal {i}", by=proposer)
    html = client.get(reverse("workplans:dashboard")).content.decode()
    section = html[html.index('id="body-many"') :].split("</section>")[0]
    cards = re.findall(r'data-plan="(many-\d)"', section)
    # Current plans (ending this year or later) first, the latest first; then the rest.
    assert cards == ["many-2", "many-4", "many-3"]
    assert 'data-all-plans="many"' in section and "All 5 plans of MANY" in section
    assert "10 projects and activities counted across its plans" in section
    assert 'data-proposals="7"' in html
    assert html.count("Proposal ") == 5  # the latest five
    assert "Proposal 6" in html and "Proposal 1" not in html


def test_anonymous_visitors_get_a_copy_of_the_figures_for_a_few_seconds(
    client, settings, secretariat
):
    from django.core.cache import cache

    settings.ACCSM_PUBLIC_CACHE_SECONDS = 10
    plan = make_plan(make_body("one"), "cached", statuses=[S.PLANNED, S.PLANNED])

    def completion(client) -> tuple[str, int]:
        with CaptureQueriesContext(connection) as queries:
            html = client.get("/").content.decode()
        card = html[html.index('data-plan="cached"') :].split("</article>")[0]
        found = re.search(r'data-figure="completion">([^<]+)<', card)
        assert found is not None
        return found.group(1), len(queries)

    first, counted = completion(client)
    assert first == "0.0 %" and counted > 0
    Project.objects.filter(plan=plan, code="P001").update(status=S.COMPLETED)
    # Anonymous: the copy, read from the cache without a query.
    assert completion(client) == ("0.0 %", 0)
    # Whoever is logged in gets the figures as they are.
    client.force_login(secretariat)
    assert completion(client)[0] == "50.0 %"
    client.logout()
    # Another language has a copy of its own; once the copy is gone, the figures now.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    assert completion(client)[0] == "50,0 %"
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    cache.clear()
    assert completion(client)[0] == "50.0 %"
    settings.ACCSM_PUBLIC_CACHE_SECONDS = 0
    Project.objects.filter(plan=plan, code="P002").update(status=S.COMPLETED)
    assert completion(client)[0] == "100.0 %"
