"""Writes for people: registration and login tokens."""

from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from rest_framework.authtoken.models import Token

from backend.common.errors import DomainError

from .models import Role, User
from .rut import InvalidRut, normalize_rut

ERROR_USERNAME_TAKEN = "That username is already registered."
ERROR_RUT_TAKEN = "That RUT is already registered."
ERROR_BAD_CREDENTIALS = "Unable to log in with those credentials."


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


def token_issue(*, user: User) -> str:
    token, _ = Token.objects.get_or_create(user=user)
    return token.key


def token_login(*, request, username: str, password: str) -> tuple[User, str]:
    user = authenticate(request, username=username, password=password)
    if user is None:
        raise AuthenticationFailed(ERROR_BAD_CREDENTIALS)
    return user, token_issue(user=user)
