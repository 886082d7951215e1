"""The dashboard and the plan page: the sources' figures, their source, constant query counts."""

import itertools
import re
from datetime import date

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from workplans.models import Country, Meeting, Project, StatusReport, WorkPlan
from workplans.progress import Progress

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


@pytest.mark.parametrize("as_of", [None, date(2023, 1, 1)])
def test_the_cards_read_every_plan_light_and_agree_with_the_progress_table(
    sources, settings, as_of
):
    """The dashboard reads whole plans only for its cards; every other plan is a PlanRow. Its
    bodies' totals, dates and plan counts are still those of the progress table's reads, on
    the sources' figures: reported only, live, and a report plus an adoption since."""
    from workplans.provenance import sum_note
    from workplans.selectors import PlanRow, dashboard_bodies, dashboard_cards
    from workplans.services import proposal_adopt

    from .conftest import make_user

    seminar = Project.objects.get(code="JP-2023-SEM")
    head3 = Meeting.objects.get(body__code="accsm-plus-3", kind=Meeting.Kind.HEAD_PLUS_3)
    proposal_adopt(
        project=seminar, meeting=head3, by=make_user("sec", "Secretariat"), expected_version=1
    )
    # A body of three plans, of which a card shows the current one: behind it, a plan with a
    # report of more projects than it itemizes, and a plan counted live.
    body = make_body("more")
    make_plan(body, "more-now", statuses=[S.ONGOING], start_year=2026)
    reported = make_plan(body, "more-reported", statuses=[S.COMPLETED], start_year=2011)
    make_report(reported, make_meeting(body, day="2014-08-02"), completed=2, planned=1)
    make_plan(body, "more-live", statuses=[S.COMPLETED, S.PLANNED, S.PROPOSED], start_year=2006)
    settings.ACCSM_DASHBOARD_PLANS = 1
    today = date(2026, 12, 1)
    cards, history = dashboard_cards(as_of)
    table = dashboard_bodies(as_of=as_of)
    assert [group.body for group in cards] == [group.body for group in table]
    light = 0
    for card, row in zip(cards, table, strict=True):
        assert card.total == row.total
        assert sum_note(card.plans, today) == sum_note(row.plans, today)
        assert [p.plan.pk for p in card.plans] == [p.plan.pk for p in row.plans]
        assert [p.plan for p in card.shown] == [p.plan for p in row.shown]
        assert [(p.figures, p.basis) for p in card.plans] == [
            (p.figures, p.basis) for p in row.plans
        ]
        light += sum(isinstance(p.plan, PlanRow) for p in card.plans)
        with CaptureQueriesContext(connection) as queries:
            assert [p.plan.body for p in card.shown] == [card.body]
        assert not queries
    assert light == WorkPlan.objects.count() - len(cards)
    # The trends' reports: every report of each plan a card shows, and of no other plan.
    shown = [p.plan.pk for group in cards for p in group.shown]
    assert {pk: set(history.get(pk, [])) for pk in shown} == {
        pk: set(StatusReport.objects.filter(plan=pk)) for pk in shown
    }
    assert set(history) <= set(shown) and history
    assert any(p.basis == "report_plus" for group in cards for p in group.plans) is (as_of is None)
    [more] = [group for group in cards if group.body == body]
    if as_of is None:  # the report's figures and the projects' live counts, of two dates
        assert more.total == Progress(completed=3, ongoing=1, planned=2)
        assert "2 August 2014" in sum_note(more.plans, today)
    else:  # the projects were created after that day: the report alone
        assert more.total == Progress(completed=2, planned=1)


def test_a_plan_added_between_the_plans_and_their_counts_is_left_to_the_next_read(db):
    """The plans and their projects' counts are two queries: a plan added (with projects)
    between them is counted by the second but not listed by the first, and is left out
    rather than failing the page."""
    from workplans.selectors import progress_of

    body = make_body()
    first = make_plan(body, "first", statuses=[S.PLANNED])
    rows = list(WorkPlan.objects.with_reports())
    make_plan(body, "added", statuses=[S.COMPLETED])
    [progress] = progress_of(rows, None, WorkPlan.objects.values("pk"))
    assert progress.plan == first and progress.live == Progress(planned=1)
