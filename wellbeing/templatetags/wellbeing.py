"""{% crisis_help %}: the short, kind help box shown at the moments someone may need it.

A template tag rather than a context variable, so pages of any app (the room, leaving, a concern sent) can
show it without importing this app, and only the pages that show it pay for its one query.
"""

from django import template

from wellbeing.models import CrisisLine, default_crisis_lines

register = template.Library()


@register.inclusion_tag("wellbeing/_help_short.html", takes_context=True)
def crisis_help(context, *, box_id: str = "", hidden: bool = False, intro: str = ""):
    """The box: one query (the lines). "My safety plan" always links to the plan page, which offers to start one."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "lines": crisis_lines(),
        "signed_in": bool(user and user.is_authenticated),
        "box_id": box_id,
        "hidden": hidden,
        "intro": intro,
    }


def crisis_lines() -> list[CrisisLine]:
    return list(CrisisLine.objects.shown()) or default_crisis_lines()


@register.inclusion_tag("wellbeing/_group_check_in.html")
def group_check_in_setting(group):
    """The group's monthly check-in switch, for its leaders' settings page (groups cannot import wellbeing)."""
    from wellbeing.checkin.models import GroupCheckIn

    return {"group": group, "asks": GroupCheckIn.asks_for(group)}
