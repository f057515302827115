from django.http import HttpRequest

from groups.roles import leads_any_group
from members.roles import is_trustee


def navigation(request: HttpRequest) -> dict:
    """What the navigation shows depends on the role; computed lazily so anonymous pages cost nothing."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_is_leader": False, "nav_is_trustee": False}
    return {"nav_is_leader": leads_any_group(user), "nav_is_trustee": is_trustee(user)}
