"""Import: a 2,000-row batch status update (the largest file allowed), uploaded and confirmed.

Run by bench/run.py (`.venv/bin/python -m bench.run`) after the pages. For each of CSV and
XLSX it generates one synthetic plan of 2,400 projects (over 2,000 of them not proposals),
downloads the plan's status template (code, status, note, evidence; a row per project),
gives its first 2,000 rows a new status and a note, saves them as CSV or XLSX, POSTs the
file to /imports/status/ (validate every row, render the preview), then the preview's token
to /imports/confirm/ (apply in one transaction through the audited status service), timing
each step, and counts the StatusChange rows the import wrote.
"""

import csv
import io
import re
import time

from bench.common import SYNTHETIC, Result, logged_in_client, mark, record, section

ROWS = 2000  # workplans.imports.columns.MAX_ROWS, checked below
PROJECTS = 2400  # one in seven synthetic projects is a proposal, which imports cannot change
GOAL_SECONDS = 4.0
NOTE = "Benchmark import (synthetic data)"
# A new status for each, none needing Secretariat rights that the bench user lacks.
NEXT_STATUS = {
    "planned": "ongoing",
    "ongoing": "completed",
    "completed": "ongoing",
    "postponed": "ongoing",
    "cancelled": "planned",
}


def new_plan():
    """A fresh synthetic plan of PROJECTS projects."""
    from workplans.management.commands.generate_synthetic import generate
    from workplans.models import WorkPlan

    before = set(WorkPlan.objects.filter(body__code=SYNTHETIC).values_list("pk", flat=True))
    generate(plans=1, projects_per_plan=PROJECTS)
    return WorkPlan.objects.filter(body__code=SYNTHETIC).exclude(pk__in=before).get()


def file_rows(client, plan) -> list[list[str]]:
    """The plan's status template (CSV, as downloaded), its first ROWS rows given a new
    status and a note: what an official fills in."""
    from workplans.models import Project

    started = time.perf_counter()
    response = client.get("/imports/status/template.csv", {"plan": plan.slug})
    assert response.status_code == 200, f"template: HTTP {response.status_code}"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, data = rows[0], rows[1 : ROWS + 1]
    print(
        f"template for {plan.slug}: {time.perf_counter() - started:.2f} s, "
        f"columns {', '.join(header)}, {len(rows) - 1:,} rows (the first {ROWS:,} used)"
    )
    assert len(data) == ROWS, f"only {len(data)} projects to update"
    status, note = header.index("status"), header.index("note")
    values = {str(label): value for value, label in Project.Status.choices}
    for row in data:
        row[status] = str(Project.Status(NEXT_STATUS[values[row[status]]]).label)
        row[note] = NOTE
    return [header, *data]


def as_csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def as_xlsx(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Status updates")
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def timed_post(client, path: str, data: dict):
    """POST; (response, seconds, SQL queries), the queries counted without being logged."""
    from django.db import connection

    count = 0

    def counting(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counting):
        started = time.perf_counter()
        response = client.post(path, data)
        seconds = time.perf_counter() - started
    return response, seconds, count


def run_one(fmt: str) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from workplans.models import StatusChange

    plan = new_plan()
    client = logged_in_client()
    rows = file_rows(client, plan)
    content = as_csv(rows) if fmt == "csv" else as_xlsx(rows)
    name = f"import {ROWS:,} rows ({fmt.upper()})"
    upload = SimpleUploadedFile(f"accsm-status-updates-{plan.slug}.{fmt}", content)
    response, upload_s, upload_q = timed_post(
        client, "/imports/status/", {"plan": plan.slug, "file": upload}
    )
    token = re.search(rb'name="token" value="([^"]+)"', response.content)
    print(
        f"{fmt.upper():4} {len(content):,} bytes  upload+validate+preview: {response.status_code} "
        f"{upload_s:.2f} s, {upload_q:,} queries, {len(response.content):,} bytes of preview"
    )
    if response.status_code != 200 or token is None:
        errors = re.findall(rb'class="[^"]*error[^"]*"[^>]*>([^<]{0,200})', response.content)[:3]
        print(f"     no preview to confirm; first errors: {[e.decode() for e in errors]}")
        record(
            "import",
            Result(name, f"preview failed: HTTP {response.status_code}", "≤ 4.0 s", ok=False),
        )
        return
    audits_before = StatusChange.objects.filter(project__plan=plan).count()
    response, confirm_s, confirm_q = timed_post(
        client, "/imports/confirm/", {"token": token.group(1).decode()}
    )
    audits = StatusChange.objects.filter(
        project__plan=plan, channel=StatusChange.Channel.IMPORT
    ).count()
    written = StatusChange.objects.filter(project__plan=plan).count() - audits_before
    applied = response.status_code == 302 and response["Location"].endswith(f"/plans/{plan.slug}/")
    total = upload_s + confirm_s
    ok = applied and audits == ROWS and total <= GOAL_SECONDS
    print(
        f"     confirm+apply: {response.status_code} {confirm_s:.2f} s, {confirm_q:,} queries; "
        f"total {total:.2f} s (goal ≤ {GOAL_SECONDS} s)  StatusChange rows written: {written:,} "
        f"(channel import: {audits:,}, expected {ROWS:,})  {mark(ok)}",
        flush=True,
    )
    record(
        "import",
        Result(
            name,
            f"{total:.2f} s ({upload_s:.2f} + {confirm_s:.2f}), {audits:,} audit rows",
            f"≤ {GOAL_SECONDS} s, {ROWS:,} audit rows",
            ok=ok,
        ),
    )


def run() -> None:
    from workplans.imports.columns import MAX_ROWS

    section(f"Import: {ROWS:,} status updates (upload → preview → confirm)")
    if MAX_ROWS != ROWS:
        print(f"note: the app's MAX_ROWS is now {MAX_ROWS:,}; this bench imports {ROWS:,}")
    for fmt in ("csv", "xlsx"):
        try:
            run_one(fmt)
        except Exception as error:  # reported, and the rest of the bench still runs
            print(f"{fmt.upper()} FAILED: {type(error).__name__}: {error}")
            record("import", Result(f"import {ROWS:,} rows ({fmt.upper()})", "error", ok=False))
