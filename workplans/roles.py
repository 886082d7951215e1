"""The tracker's roles, as Django groups and the permissions each holds."""

from .permissions import OFFICIALS, SECRETARIAT, VIEWERS

# Codenames of the workplans app. The Secretariat also maintains every model in the admin.
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
                "statusreport",
                "target",
                "workplan",
            )
            for action in ("add", "change", "delete", "view")
        ],
        "view_statuschange",
    ],
    OFFICIALS: ["update_status", "propose_project"],
    VIEWERS: [],
}


def sync_roles(**kwargs) -> None:
    """Create the role groups and set their permissions; runs after every migrate (idempotent)."""
    from django.contrib.auth.models import Group, Permission

    for name, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(
            Permission.objects.filter(content_type__app_label="workplans", codename__in=codenames)
        )
