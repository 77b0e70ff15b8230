"""Requests and answers of the identity API, as msgspec Structs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from casebook.platform.identity.models import Account

# Loose upper bounds only: the rules (rules.py) give the precise, field-named messages.
ShortText = Annotated[str, msgspec.Meta(max_length=320)]
Secret = Annotated[str, msgspec.Meta(max_length=1024)]


class Schema(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    pass


class AccountCreate(Schema):
    username: ShortText
    email: ShortText
    password: Secret
    display_name: ShortText | None = None


class AccountUpdate(Schema):
    display_name: ShortText | None = None
    email: ShortText | None = None


class PasswordChange(Schema):
    current_password: Secret
    new_password: Secret


class AccountRead(Schema):
    id: str
    username: str
    email: str
    display_name: str
    created_at: datetime

    @classmethod
    def from_account(cls, account: Account) -> AccountRead:
        return cls(id=str(account.id), username=account.username, email=account.email,
                   display_name=account.display_name, created_at=account.created_at)


class LoginRequest(Schema):
    login: ShortText  # username or email
    password: Secret


class RefreshRequest(Schema):
    refresh_token: Secret


class LogoutRequest(Schema):
    refresh_token: Secret | None = None


class TokenPair(Schema, kw_only=True):
    access_token: str
    refresh_token: str
    token_type: str = "Bearer"
    expires_in: int  # seconds until the access token expires
