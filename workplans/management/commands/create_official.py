"""Create an official's account for a country: `manage.py create_official --username U --country VN`.

The password is asked for twice, or read from ACCSM_OFFICIAL_PASSWORD for scripts. It is
checked by Django's password validators; there is never a default one.
"""

import getpass
import os
import sys

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from workplans.models import Country, Profile
from workplans.permissions import OFFICIALS

PASSWORD_ENV = "ACCSM_OFFICIAL_PASSWORD"


class Command(BaseCommand):
    help = (
        "Create an official's account for a country, in the Officials group. The password "
        f"is asked for, or read from the {PASSWORD_ENV} environment variable."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument(
            "--country", required=True, help="ISO 3166 code of the country, e.g. VN"
        )
        parser.add_argument("--email", default="")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")

    def handle(self, *args, username, country, email, first_name, last_name, **options):
        User = get_user_model()
        username = username.strip()
        if not username:
            raise CommandError("The username may not be empty.")
        if User.objects.filter(username__iexact=username).exists():
            raise CommandError(f"A user named {username!r} already exists.")
        try:
            country_obj = Country.objects.get(code=country.strip().upper())
        except Country.DoesNotExist:
            known = ", ".join(Country.objects.values_list("code", flat=True)) or "none"
            raise CommandError(f"No country with code {country!r}. Known codes: {known}.") from None
        try:
            group = Group.objects.get(name=OFFICIALS)
        except Group.DoesNotExist:
            raise CommandError(
                f"The {OFFICIALS} group does not exist yet: run `manage.py migrate` first."
            ) from None

        user = User(username=username, email=email, first_name=first_name, last_name=last_name)
        password = self._password(user)
        with transaction.atomic():
            user.set_password(password)
            user.full_clean()
            user.save()
            user.groups.add(group)
            Profile.objects.create(user=user, country=country_obj)
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {username!r}, an official of {country_obj.name}. "
                "They may update the projects their country leads."
            )
        )

    def _password(self, user) -> str:
        """From the environment, else asked for twice; validated either way."""
        password = os.environ.get(PASSWORD_ENV)
        if password is not None:
            self._validate(password, user)
            return password
        if not sys.stdin.isatty():
            raise CommandError(
                f"No password: set {PASSWORD_ENV}, or run the command in a terminal."
            )
        while True:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                self.stderr.write("The two passwords differ. Try again.")
                continue
            try:
                self._validate(password, user)
            except CommandError as error:
                self.stderr.write(str(error))
                continue
            return password

    def _validate(self, password: str, user) -> None:
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
