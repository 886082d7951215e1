"""Twenty officials proposing to one plan at the same moment: every proposal is saved, once."""

import threading

import pytest
from django.db import connection, connections

from workplans.models import Project, StatusChange
from workplans.services import project_propose

from .conftest import make_plan, make_user

PROPOSERS = 20

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Concurrent writers need PostgreSQL (SQLite serialises them); CI runs it there.",
)


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_proposals_each_get_their_own_code_and_one_audit_row(plus_three, japan):
    plan = make_plan(plus_three, "plus-3-plan")
    officials = [make_user(f"official_{i}", "Officials", japan) for i in range(PROPOSERS)]
    barrier = threading.Barrier(PROPOSERS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def propose(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            try:
                project_propose(plan=plan, title=f"Seminar {i}", by=officials[i])
                outcome = "saved"
            except Exception as error:  # noqa: BLE001 — reported by the assertion below
                outcome = f"error: {error!r}"
            with lock:
                outcomes.append(outcome)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=propose, args=(i,)) for i in range(PROPOSERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert outcomes == ["saved"] * PROPOSERS
    proposals = Project.objects.filter(plan=plan, status=Project.Status.PROPOSED)
    assert sorted(proposals.values_list("title", flat=True)) == sorted(
        f"Seminar {i}" for i in range(PROPOSERS)
    )
    assert sorted(proposals.values_list("code", flat=True)) == [
        f"PROP-{n:02}" for n in range(1, PROPOSERS + 1)
    ]
    assert StatusChange.objects.filter(project__in=proposals).count() == PROPOSERS
