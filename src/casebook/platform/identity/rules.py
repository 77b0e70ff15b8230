"""Account rules without I/O: what a valid username, email, display name and password are."""

from __future__ import annotations

import re

from casebook.platform.errors import Invalid
from casebook.platform.identity.models import DISPLAY_NAME_LENGTH_MAX, EMAIL_LENGTH_MAX

USERNAME_LENGTH_MIN = 3
USERNAME_LENGTH_MAX = 30
PASSWORD_LENGTH_MIN = 8
PASSWORD_LENGTH_MAX = 256  # Argon2 takes any length; this bounds the work an attacker can ask for
LOGIN_LENGTH_MAX = EMAIL_LENGTH_MAX

_USERNAME = re.compile(r"[a-z0-9_.]+")
# Pragmatic, not RFC 5322: one @, no spaces, a dot in the domain, no empty labels.
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")


def normalize_username(username: str) -> str:
    return username.strip().lower()


def normalize_email(email: str) -> str:
    return email.strip().lower()


def normalize_login(login: str) -> str:
    return login.strip().lower()


def check_username(username: str) -> str:
    """The username as it will be shown (trimmed); raises Invalid naming the `username` field."""
    username = username.strip()
    normalized = username.lower()
    if not USERNAME_LENGTH_MIN <= len(normalized) <= USERNAME_LENGTH_MAX:
        raise Invalid(f"Usernames have {USERNAME_LENGTH_MIN} to {USERNAME_LENGTH_MAX} characters.",
                      field="username")
    if not _USERNAME.fullmatch(normalized):
        raise Invalid("Usernames use only letters a-z, digits, '_' and '.'.", field="username")
    return username


def check_email(email: str) -> str:
    email = email.strip()
    if len(email) > EMAIL_LENGTH_MAX or not _EMAIL.fullmatch(email):
        raise Invalid("Enter a valid email address.", field="email")
    return email


def check_password(password: str, *, field: str = "password") -> None:
    if len(password) < PASSWORD_LENGTH_MIN:
        raise Invalid(f"Passwords have at least {PASSWORD_LENGTH_MIN} characters.", field=field)
    if len(password) > PASSWORD_LENGTH_MAX:
        raise Invalid(f"Passwords have at most {PASSWORD_LENGTH_MAX} characters.", field=field)


def check_display_name(display_name: str) -> str:
    display_name = " ".join(display_name.split())
    if not 1 <= len(display_name) <= DISPLAY_NAME_LENGTH_MAX:
        raise Invalid(f"Display names have 1 to {DISPLAY_NAME_LENGTH_MAX} characters.", field="display_name")
    return display_name


def check_registration(*, username: str, email: str, password: str) -> tuple[str, str]:
    """(username, email) trimmed; one Invalid listing every failed field otherwise."""
    errors: list[dict[str, str]] = []
    checked: dict[str, str] = {}
    for field, check in (("username", lambda: check_username(username)), ("email", lambda: check_email(email)),
                         ("password", lambda: check_password(password))):
        try:
            checked[field] = check() or ""
        except Invalid as error:
            errors.extend(error.extra["errors"])
    if errors:
        raise Invalid("; ".join(f"{e['path']}: {e['message']}" for e in errors), errors=errors)
    return checked["username"], checked["email"]
