from django.utils.translation import gettext_lazy

from backend.common.errors import Forbidden

ERROR_NOT_VERIFIED = gettext_lazy("Filing needs ClaveÚnica, or an account whose identity a police unit verified.")


class NotVerified(Forbidden):
    code = "identity_not_verified"


def identity_verified_require(user) -> None:
    """Complaints and constancias carry a RUN: only a ClaveÚnica or in-person verified identity may file them."""
    if not user.is_identity_verified:
        raise NotVerified(ERROR_NOT_VERIFIED)
