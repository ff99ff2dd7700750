from rest_framework.permissions import BasePermission

from .models import Role
from .scope import DISPATCH_VIEW_ROLES, user_has_role


class HasRole(BasePermission):
    """Allow only users whose role is in ``roles``; use ``HasRole.of(...)`` in ``permission_classes``."""

    roles: frozenset[str] = frozenset()
    message = "Your role does not allow this action."

    def has_permission(self, request, view) -> bool:
        return user_has_role(request.user, *self.roles)

    @classmethod
    def of(cls, *roles: str) -> type["HasRole"]:
        return type(f"HasRole_{'_'.join(roles)}", (cls,), {"roles": frozenset(roles)})


IsNeighbor = HasRole.of(Role.NEIGHBOR)
IsDispatch = HasRole.of(*DISPATCH_VIEW_ROLES)
IsCommand = HasRole.of(Role.COMMANDER, Role.DISPATCHER, Role.ADMINISTRATOR)
