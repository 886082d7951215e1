"""Load the sources' facts (fixtures/*.json) without touching what the database already holds."""

from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.management.base import BaseCommand
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Model

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


class Command(BaseCommand):
    help = (
        "Add the facts of fixtures/*.json that are missing. A row whose primary key exists "
        "is left exactly as it is (status, version, history), so running it again is safe."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="fixture files (default: fixtures/*.json)")

    def handle(self, *args, files, **options):
        paths = [Path(f) for f in files] or sorted(FIXTURES.glob("*.json"))
        added: Counter[str] = Counter()
        kept: Counter[str] = Counter()
        models: set[type[Model]] = set()
        with transaction.atomic():
            deferred = []
            for path in paths:
                with path.open(encoding="utf-8") as stream:
                    for item in serializers.deserialize(
                        "json", stream, handle_forward_references=True
                    ):
                        model = type(item.object)
                        models.add(model)
                        label = str(model._meta.verbose_name_plural)
                        if model._default_manager.filter(pk=item.object.pk).exists():
                            kept[label] += 1
                            continue
                        item.save()  # raw, as loaddata saves: no signals act on it
                        added[label] += 1
                        if item.deferred_fields:
                            deferred.append(item)
            for item in deferred:
                item.save_deferred_fields()
            # Rows were saved with explicit keys: move PostgreSQL's sequences past them.
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), list(models)):
                    cursor.execute(sql)
        self.stdout.write(
            f"Facts: {sum(added.values())} added, {sum(kept.values())} already present "
            "and left unchanged."
        )
