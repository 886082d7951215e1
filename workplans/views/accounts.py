"""Accounts beyond Django's views: the language a user chose (for the e-mails they get), and
password reset by e-mail, offered only where mail is configured."""

from functools import wraps

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.i18n import set_language as django_set_language

from ..models import Profile


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch; a logged-in user's choice is also kept for their e-mails."""
    response = django_set_language(request)
    code = request.POST.get("language", "")
    if (
        request.method == "POST"
        and request.user.is_authenticated
        and code in dict(settings.LANGUAGES)
    ):
        Profile.objects.update_or_create(user=request.user, defaults={"language": code})
    return response


def _mail_configured(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.ACCSM_MAIL_CONFIGURED:
            raise Http404(_("Password reset by e-mail needs mail configured on this server."))
        return view(request, *args, **kwargs)

    return wrapper


password_reset = _mail_configured(
    auth_views.PasswordResetView.as_view(
        email_template_name="registration/password_reset_email.txt",
        subject_template_name="registration/password_reset_subject.txt",
    )
)
password_reset_done = _mail_configured(auth_views.PasswordResetDoneView.as_view())
password_reset_confirm = _mail_configured(auth_views.PasswordResetConfirmView.as_view())
password_reset_complete = _mail_configured(auth_views.PasswordResetCompleteView.as_view())


class LoginView(auth_views.LoginView):
    """Django's login page, offering the reset by e-mail where mail is configured."""

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "mail_configured": settings.ACCSM_MAIL_CONFIGURED,
        }
