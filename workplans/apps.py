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
        post_migrate.connect(sync_roles, sender=self, dispatch_uid="workplans_sync_roles")

        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from .signals import logged_out, session_started

        user_logged_in.connect(session_started, dispatch_uid="workplans_session_started")
        user_logged_out.connect(logged_out, dispatch_uid="workplans_logged_out")
