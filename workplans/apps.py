from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class WorkplansConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "workplans"
    verbose_name = _("Work plans")

    def ready(self):
        from .roles import sync_roles

        # After auth's own post_migrate handler has created this app's permissions.
        post_migrate.connect(
            sync_roles, sender=self, dispatch_uid="workplans_sync_roles"
        )
