"""Writes for people: registration, passwords, API tokens and websocket tickets."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import authenticate, password_validation, user_logged_in
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from backend.common.errors import DomainError

from .authentication import password_fingerprint
from .models import AuthToken, Role, User, WebsocketTicket
from .rut import InvalidRut, normalize_rut

ERROR_USERNAME_TAKEN = gettext_lazy("That username is already registered.")
ERROR_RUT_TAKEN = gettext_lazy("That RUT is already registered.")
ERROR_BAD_CREDENTIALS = gettext_lazy("Unable to log in with those credentials.")
ERROR_WRONG_CURRENT_PASSWORD = gettext_lazy("That is not your current password.")
ERROR_UNKNOWN_LANGUAGE = gettext_lazy("Choose one of the languages offered.")
# Longer input cannot be a ticket we issued (43 characters); refuse it before hashing.
MAX_TICKET_LENGTH = 128


class AuthenticationFailed(DomainError):
    status_code = 401
    code = "authentication_failed"


@transaction.atomic
def neighbor_register(
    *,
    username: str,
    password: str,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    rut: str | None = None,
    phone: str = "",
) -> User:
    """Create a neighbor account, enforcing Django's password validators and a valid RUT."""
    if rut:
        try:
            rut = normalize_rut(rut)
        except InvalidRut as error:
            raise DomainError(str(error), field="rut") from error
    user = User(
        username=username, email=email, first_name=first_name, last_name=last_name, rut=rut or None, phone=phone
    )
    user.role = Role.NEIGHBOR
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages), field="password") from error
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as error:
        taken_rut = rut and User.objects.filter(rut=rut).exists()
        raise DomainError(
            ERROR_RUT_TAKEN if taken_rut else ERROR_USERNAME_TAKEN, field="rut" if taken_rut else "username"
        ) from error
    return user


@dataclass(frozen=True)
class IssuedToken:
    """A new API token: the key is shown once, only its hash is stored."""

    token: str
    expiry: datetime | None


@dataclass(frozen=True)
class IssuedTicket:
    ticket: str
    expires_at: datetime


@transaction.atomic
def token_issue(*, user: User) -> IssuedToken:
    """A new token for one device; every login gets its own, so each can be revoked alone."""
    instance, token = AuthToken.objects.create(user=user, password_fingerprint=password_fingerprint(user))
    return IssuedToken(token=token, expiry=instance.expiry)


def token_login(*, request, username: str, password: str) -> tuple[User, IssuedToken]:
    """Check a password through ``authenticate`` (so django-axes counts the attempt) and issue a token.

    ``request`` must be Django's HttpRequest, not DRF's wrapper: axes flags a lockout on the object it is given,
    and its middleware reads the flag from Django's.
    """
    user = authenticate(request, username=username, password=password)
    if user is None:
        raise AuthenticationFailed(ERROR_BAD_CREDENTIALS)
    issued = token_issue(user=user)
    # As django.contrib.auth.login does: records last_login, and lets axes clear this pair's failures.
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    return user, issued


@transaction.atomic
def token_revoke(*, token: AuthToken) -> None:
    token.delete()


@transaction.atomic
def token_revoke_all(*, user: User) -> int:
    """Revoke every API token and unused websocket ticket of ``user``; returns how many tokens went."""
    WebsocketTicket.objects.filter(user=user).delete()
    count, _ = AuthToken.objects.filter(user=user).delete()
    return count


@transaction.atomic
def user_language_set(*, user: User, language: str) -> None:
    """Store the language a person reads the API, websockets and pushes in (one of ``settings.LANGUAGES``)."""
    if language not in dict(settings.LANGUAGES):
        raise DomainError(ERROR_UNKNOWN_LANGUAGE, field="language")
    user.language = language
    user.save(update_fields=["language"])


@transaction.atomic
def user_password_set(*, user: User, password: str | None) -> None:
    """Set (or, with None, disable) a password and revoke every token of the user.

    Sessions need no work here: Django drops any session whose stored hash no longer matches the password.
    Callers keep their own session with ``update_session_auth_hash``.
    """
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save(update_fields=["password"])
    token_revoke_all(user=user)


@transaction.atomic
def user_password_change(
    *, user: User, current_password: str, new_password: str, issue_token: bool
) -> IssuedToken | None:
    """A signed-in person changes their own password, proving they know the current one.

    Every token is revoked; with ``issue_token`` the device that asked gets a new one in the same transaction.
    """
    if not user.check_password(current_password):
        raise DomainError(ERROR_WRONG_CURRENT_PASSWORD, field="current_password")
    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages), field="new_password") from error
    user_password_set(user=user, password=new_password)
    return token_issue(user=user) if issue_token else None


def _ticket_digest(ticket: str) -> str:
    return hashlib.sha256(ticket.encode()).hexdigest()


@transaction.atomic
def websocket_ticket_issue(*, user: User) -> IssuedTicket:
    ticket = secrets.token_urlsafe(32)
    expires_at = timezone.now() + timedelta(seconds=settings.WEBSOCKET_TICKET_TTL_SECONDS)
    WebsocketTicket.objects.create(digest=_ticket_digest(ticket), user=user, expires_at=expires_at)
    return IssuedTicket(ticket=ticket, expires_at=expires_at)


@transaction.atomic
def websocket_ticket_redeem(*, ticket: str) -> User | None:
    """Consume a ticket and return its active user, or None. An expired ticket is consumed too.

    One ``DELETE ... RETURNING`` statement: of two handshakes racing with the same ticket, exactly one gets the row.
    """
    if not isinstance(ticket, str) or not ticket or len(ticket) > MAX_TICKET_LENGTH:
        return None
    table = connection.ops.quote_name(WebsocketTicket._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE digest = %s RETURNING user_id, expires_at", [_ticket_digest(ticket)])
        row = cursor.fetchone()
    if row is None or row[1] <= timezone.now():
        return None
    return User.objects.filter(pk=row[0], is_active=True).first()


@transaction.atomic
def credentials_prune() -> dict[str, int]:
    """Delete expired API tokens and websocket tickets (the request path only ever looks at the one presented)."""
    now = timezone.now()
    tokens, _ = AuthToken.objects.filter(expiry__lt=now).delete()
    tickets, _ = WebsocketTicket.objects.filter(expires_at__lte=now).delete()
    return {"tokens": tokens, "tickets": tickets}
