from django import template

register = template.Library()


@register.inclusion_tag("safeguarding/includes/access_log.html")
def contact_access_log(user):
    """The member's own "who viewed my details" log, for their account and contact details pages."""
    from safeguarding.views import access_log_for

    return {"accesses": access_log_for(user)}
