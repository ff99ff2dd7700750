"""Who may open which page: anonymous people go to the login page, the wrong role gets a 403 page."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render

from backend.accounts.models import Role
from backend.accounts.scope import user_has_role

ALERT_BUTTON_ROLES = (Role.NEIGHBOR,)
COMMUNITY_ROLES = (Role.NEIGHBOR,)
DISPATCH_ROLES = (Role.DISPATCHER, Role.AGENCY_OPERATOR, Role.ADMINISTRATOR)
COMMAND_ROLES = (Role.COMMANDER, Role.ADMINISTRATOR)
STATION_ROLES = (Role.NEIGHBOR,)
STATION_REVIEW_ROLES = (Role.STATION_OFFICER, Role.ADMINISTRATOR)


def role_required(*roles: str) -> Callable:
    """Gate a page view on the user's role, the same role check the APIs behind the page make."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user_has_role(request.user, *roles):
                return render(request, "dashboards/forbidden.html", {"allowed_roles": roles}, status=403)
            return view(request, *args, **kwargs)

        wrapper.allowed_roles = roles
        return wrapper

    return decorator
