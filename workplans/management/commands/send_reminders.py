"""E-mail each official the projects still to report in an open round: `manage.py send_reminders`.

Meant for cron (daily). From `remind_days` before a round's due date up to that date, each
official with outstanding projects gets one e-mail a day at most, in their language.
`--dry-run` prints who would get what and sends nothing.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from workplans.reminders import due_reminders, send


class Command(BaseCommand):
    help = "E-mail officials the projects their country still has to report in an open round."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Print who would get what; send nothing."
        )
        parser.add_argument(
            "--today", help="Act as on this day (YYYY-MM-DD), to catch up a missed run."
        )

    def handle(self, *args, dry_run: bool = False, today: str | None = None, **options):
        try:
            day = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"--today: “{today}” is not a date (YYYY-MM-DD).") from error
        sent = skipped = 0
        for due in due_reminders(day):
            who = f"{due.user.get_username()} <{due.user.email or '—'}> ({due.language})"
            what = f"{len(due.projects)} project(s) for {due.round}, due {due.round.due_on}"
            if not due.user.email:
                self.stdout.write(f"skipped {who}: no e-mail address; {what}")
                skipped += 1
            elif dry_run:
                codes = ", ".join(project.code for project in due.projects)
                self.stdout.write(f"would e-mail {who}: {what}: {codes}")
                sent += 1
            elif send(due, day):
                self.stdout.write(f"e-mailed {who}: {what}")
                sent += 1
            else:
                self.stdout.write(f"already reminded today: {who}")
                skipped += 1
        verb = "would send" if dry_run else "sent"
        self.stdout.write(self.style.SUCCESS(f"Reminders {verb}: {sent}; skipped: {skipped}."))
