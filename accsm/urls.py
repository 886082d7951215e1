from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from workplans.views import accounts

urlpatterns = [
    path("admin/", admin.site.urls),
    # Log in, log out, change one's password; reset it by e-mail where mail is configured
    # (else the Secretariat sets a new one in the admin).
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/password/reset/", accounts.password_reset, name="password_reset"),
    path("accounts/password/reset/sent/", accounts.password_reset_done, name="password_reset_done"),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        accounts.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        accounts.password_reset_complete,
        name="password_reset_complete",
    ),
    path("i18n/setlang/", accounts.set_language, name="set_language"),
    path("api/v1/", include("workplans.api.urls")),
    path("", include("workplans.urls")),
]
