"""Writes for identity: a ClaveÚnica sign-in finds the account with that RUT or creates one, never two."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from backend.accounts.models import IdentityVerification, Role, User

from .claims import ClaveUnicaPerson

USERNAME_PREFIX = "claveunica-"


@transaction.atomic
def claveunica_user_sign_in(*, person: ClaveUnicaPerson) -> User:
    """The one account of this RUT, marked as verified by ClaveÚnica; a local account with the RUT is linked."""
    user = User.objects.select_for_update().filter(rut=person.run).first()
    if user is None:
        try:
            # A savepoint: two first sign-ins of one RUT at once meet on the unique RUT, and the loser reads the row.
            with transaction.atomic():
                user = User(
                    username=f"{USERNAME_PREFIX}{person.run}",
                    rut=person.run,
                    first_name=person.first_names[:150],
                    last_name=person.last_names[:150],
                    role=Role.NEIGHBOR,
                )
                user.set_unusable_password()
                user.save()
        except IntegrityError:
            user = User.objects.select_for_update().get(rut=person.run)
    fields = []
    if user.identity_verified_by != IdentityVerification.CLAVEUNICA:
        user.identity_verified_by = IdentityVerification.CLAVEUNICA
        user.identity_verified_at = timezone.now()
        fields += ["identity_verified_by", "identity_verified_at"]
    if not user.first_name and person.first_names:
        user.first_name = person.first_names[:150]
        fields.append("first_name")
    if not user.last_name and person.last_names:
        user.last_name = person.last_names[:150]
        fields.append("last_name")
    if fields:
        user.save(update_fields=fields)
    return user
