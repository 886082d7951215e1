"""Django's ModelBackend, reading what every page needs in one query."""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission, User
from django.db.models import OuterRef, Q, QuerySet, Subquery, TextField, Value
from django.db.models.functions import Concat

from .querysets import Joined


def _permissions(user) -> QuerySet[Permission]:
    """The user's permissions, their own and their groups' (`user`: a user or OuterRef)."""
    return Permission.objects.filter(Q(user=user) | Q(group__user=user))


class TrackerBackend(ModelBackend):
    """A user comes with their profile, country and permissions in one query (ModelBackend
    takes four), so a page costs the session, the user and its own reads."""

    def get_user(self, user_id):
        name = Concat("content_type__app_label", Value("."), "codename", output_field=TextField())
        names = (
            _permissions(OuterRef("pk"))
            .order_by()
            .annotate(one=Value(1))
            .values("one")
            .annotate(names=Joined(name, ","))
            .values("names")
        )
        try:
            user = (
                User._default_manager.select_related("profile__country")
                .annotate(permission_names=Subquery(names))
                .get(pk=user_id)
            )
        except User.DoesNotExist:
            return None
        if not self.user_can_authenticate(user):
            return None
        if not user.is_superuser:  # a superuser has every permission: ModelBackend asks
            user._perm_cache = set(filter(None, (user.permission_names or "").split(",")))  # type: ignore[attr-defined]
        return user

    def get_all_permissions(self, user_obj, obj=None):
        """For a user read otherwise (authenticate(), the admin): one query, not two."""
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            permissions = Permission.objects.all()
            if not user_obj.is_superuser:
                permissions = _permissions(user_obj)
            user_obj._perm_cache = {
                f"{app_label}.{codename}"
                for app_label, codename in permissions.values_list(
                    "content_type__app_label", "codename"
                )
            }
        return user_obj._perm_cache
