"""The tracker's roles, as Django groups and the permissions each holds."""

from .permissions import OFFICIALS, SECRETARIAT, VIEWERS

# Codenames of the workplans app, or "app_label.codename" for another app's. The Secretariat
# also maintains every model in the admin.
ROLE_PERMISSIONS = {
    SECRETARIAT: [
        "update_status",
        "update_any_status",
        "propose_project",
        "decide_proposal",
        *[
            f"{action}_{model}"
            for model in (
                "body",
                "chairmanship",
                "country",
                "meeting",
                "milestone",
                "priorityarea",
                "profile",
                "project",
                "reportinground",
                "statusreport",
                "statussubmission",
                "target",
                "workplan",
            )
            for action in ("add", "change", "delete", "view")
        ],
        "view_statuschange",
        "view_reportchange",
        # API tokens for scripts: Admin › Auth Token › Tokens (issue, revoke).
        "authtoken.add_tokenproxy",
        "authtoken.view_tokenproxy",
        "authtoken.delete_tokenproxy",
        # Lifting a login lockout: Admin › Axes › Access attempts (see the README).
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
        "axes.view_accessfailurelog",
        "axes.view_accesslog",
    ],
    OFFICIALS: ["update_status", "propose_project"],
    VIEWERS: [],
}


def sync_roles(**kwargs) -> None:
    """Create the role groups and set their permissions; runs after every migrate (idempotent)."""
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    for name, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = Q(pk__in=[])
        for entry in codenames:
            app_label, _dot, codename = entry.rpartition(".")
            wanted |= Q(content_type__app_label=app_label or "workplans", codename=codename)
        group.permissions.set(Permission.objects.filter(wanted))
