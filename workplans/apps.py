from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class WorkplansConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "workplans"
    verbose_name = _("Work plans")

    def ready(self):
        from .roles import sync_roles
        from .tables import remember_signatures

        remember_signatures()

        # After auth's own post_migrate handler has created this app's permissions.
        post_migrate.connect(sync_roles, sender=self, dispatch_uid="workplans_sync_roles")

        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from .signals import logged_out, session_started

        user_logged_in.connect(session_started, dispatch_uid="workplans_session_started")
        user_logged_out.connect(logged_out, dispatch_uid="workplans_logged_out")

        from django.db.models.signals import m2m_changed, post_save

        from .models import Country, Project
        from .signals import country_saved, lead_countries_changed, project_loaded

        m2m_changed.connect(
            lead_countries_changed,
            sender=Project.lead_countries.through,
            dispatch_uid="workplans_lead_countries_changed",
        )
        post_save.connect(country_saved, sender=Country, dispatch_uid="workplans_country_saved")
        post_save.connect(project_loaded, sender=Project, dispatch_uid="workplans_project_loaded")
