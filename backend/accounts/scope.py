"""Who may see what: the scope checks every API and websocket reuses.

Dispatchers, agency operators and station officers are scoped to precincts; commanders to a prefecture or to
precincts; administrators see everything; neighbors see only their own private data.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from backend.geo.models import Precinct

from .models import Role, User

STAFF_ROLES = frozenset(
    {Role.DISPATCHER, Role.COMMANDER, Role.AGENCY_OPERATOR, Role.ADMINISTRATOR, Role.STATION_OFFICER}
)
DISPATCH_ROLES = frozenset({Role.DISPATCHER, Role.AGENCY_OPERATOR})
# Who may open alerts in full (within their scope): the dispatch console's users.
DISPATCH_VIEW_ROLES = DISPATCH_ROLES | {Role.ADMINISTRATOR}


@dataclass(frozen=True)
class Scope:
    """The precincts (None = all) and agency (None = every agency) a staff member works on."""

    precinct_ids: frozenset[int] | None
    agency: str | None

    @property
    def is_unrestricted(self) -> bool:
        return self.precinct_ids is None and self.agency is None

    def covers(self, *, precinct_id: int | None, agency: str | None = None) -> bool:
        if self.precinct_ids is not None and precinct_id not in self.precinct_ids:
            return False
        return self.agency is None or agency is None or agency == self.agency

    def filter(self, queryset: QuerySet, *, precinct_field: str = "precinct", agency_field: str | None = None):
        if self.precinct_ids is not None:
            queryset = queryset.filter(**{f"{precinct_field}__in": self.precinct_ids})
        if self.agency is not None and agency_field is not None:
            queryset = queryset.filter(**{agency_field: self.agency})
        return queryset


NO_SCOPE = Scope(precinct_ids=frozenset(), agency=None)


def user_has_role(user: User, *roles: str) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role in roles)


def sees_dispatch_views(user: User) -> bool:
    return user_has_role(user, *DISPATCH_VIEW_ROLES)


def staff_scope(user: User) -> Scope:
    """The scope of a staff member; neighbors and anonymous users get an empty scope."""
    if not (user and user.is_authenticated and user.is_active):
        return NO_SCOPE
    if user.role == Role.ADMINISTRATOR or user.is_superuser:
        return Scope(precinct_ids=None, agency=None)
    if user.role not in STAFF_ROLES:
        return NO_SCOPE
    condition = Q(staff=user)
    if user.role == Role.COMMANDER and user.prefecture_id:
        condition |= Q(prefecture_id=user.prefecture_id)
    precinct_ids = frozenset(Precinct.objects.filter(condition).values_list("id", flat=True))
    agency = user.agency or None if user.role == Role.AGENCY_OPERATOR else None
    return Scope(precinct_ids=precinct_ids, agency=agency)


def precincts_in_scope(user: User) -> QuerySet[Precinct]:
    scope = staff_scope(user)
    queryset = Precinct.objects.all()
    return queryset if scope.precinct_ids is None else queryset.filter(id__in=scope.precinct_ids)
