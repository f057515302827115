"""Every URL of the app, with arguments taken from one side of the `world` (see conftest.py).

`ROUTES[name] = Route(kwargs, methods, scoped)`: `kwargs(world, side)` names that side's objects;
`scoped` routes name a group's records (a slug or an id), so the other side's people must get 404.
tests/security/test_every_url.py fails when a URL exists that is not listed here, so a new page
cannot escape the crawl.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security.conftest import Side, World


@dataclass(frozen=True)
class Route:
    kwargs: Callable[[World, Side], dict]
    methods: tuple[str, ...] = ("GET",)
    scoped: bool = False


def none(world, side):
    return {}


def slug(world, side):
    return {"slug": side.group.slug}


def upcoming(world, side):
    return {"session_id": side.upcoming.pk}


def open_session(world, side):
    return {"session_id": side.open_session.pk}


def concern(world, side):
    return {"pk": side.concern.pk}


GET, POST, BOTH = ("GET",), ("POST",), ("GET", "POST")

ROUTES: dict[str, Route] = {
    # Public pages and sign-in (allauth).
    "home": Route(none),
    "safeguarding_policy": Route(none),
    "healthz": Route(none),
    "account_login": Route(none, BOTH),
    "account_logout": Route(none, BOTH),
    "account_inactive": Route(none),
    "account_signup": Route(none, BOTH),
    "account_reauthenticate": Route(none, BOTH),
    "account_email": Route(none, BOTH),
    "account_email_verification_sent": Route(none),
    "account_change_password": Route(none, BOTH),
    "account_set_password": Route(none, BOTH),
    "account_reset_password": Route(none, BOTH),
    "account_confirm_login_code": Route(none, BOTH),
    "account_confirm_email": Route(lambda w, s: {"key": "not-a-real-key"}, BOTH),
    "account_reset_password_from_key_done": Route(none),
    "account_reset_password_from_key": Route(lambda w, s: {"uidb36": "1", "key": "not-a-real-key"}, BOTH),
    "account_reset_password_done": Route(none),
    "mfa_index": Route(none),
    "mfa_authenticate": Route(none, BOTH),
    "mfa_reauthenticate": Route(none, BOTH),
    "mfa_activate_totp": Route(none, BOTH),
    "mfa_deactivate_totp": Route(none, BOTH),
    "mfa_view_recovery_codes": Route(none),
    "mfa_generate_recovery_codes": Route(none, BOTH),
    "mfa_download_recovery_codes": Route(none),
    "mfa_list_webauthn": Route(none),
    "mfa_add_webauthn": Route(none, BOTH),
    "mfa_reauthenticate_webauthn": Route(none, BOTH),
    # Nobody in the world has a passkey: another person's key id is simply not found.
    "mfa_edit_webauthn": Route(lambda w, s: {"pk": 999_999}, BOTH),
    "mfa_remove_webauthn": Route(lambda w, s: {"pk": 999_999}, BOTH),
    # One's own pages.
    "members:profile": Route(none, BOTH),
    "members:my_data": Route(none),
    "members:download_my_data": Route(none, POST),
    "members:erase_my_account": Route(none, BOTH),
    "groups:directory": Route(none),
    "groups:mine": Route(none),
    "sessions:calendar": Route(none, BOTH),
    "sessions:figures": Route(none),
    "safeguarding:my_contact_details": Route(none, BOTH),
    "safeguarding:withdraw_contact_details": Route(none, POST),
    "safeguarding:my_concerns": Route(none),
    "safeguarding:concern_start": Route(none),
    "safeguarding:data_complaint": Route(none, BOTH),
    "safeguarding:funder_figures": Route(none),
    "safeguarding:funder_figures_chart": Route(none),
    "safeguarding:funder_figures_follow_ups_chart": Route(none),
    "safeguarding:funder_figures_wellbeing_chart": Route(none),
    "wellbeing:my_check_ins": Route(none, BOTH),
    "wellbeing:my_check_ins_chart": Route(none),
    "safeguarding:funder_figures_csv": Route(none),
    "wellbeing:help": Route(none),
    "wellbeing:safety_plan": Route(none, BOTH),
    "wellbeing:safety_plan_print": Route(none),
    "wellbeing:safety_plan_delete": Route(none, POST),
    # Capability links: the token itself is the key (tests/groups and tests/sessions cover them).
    "groups:invitation": Route(lambda w, s: {"token": s.invitation_token}, BOTH),
    "sessions:calendar_feed": Route(lambda w, s: {"token": s.feed_token}),
    # A group's records.
    "groups:detail": Route(slug, scoped=True),
    "groups:ask": Route(slug, BOTH),  # listed groups are public; test_every_url checks an unlisted one
    "groups:agree": Route(slug, BOTH, scoped=True),
    "groups:leave": Route(slug, BOTH, scoped=True),
    "groups:edit_guidelines": Route(slug, BOTH, scoped=True),
    "groups:room_settings": Route(slug, BOTH, scoped=True),
    "groups:members": Route(slug, scoped=True),
    "groups:approve": Route(lambda w, s: {"slug": s.group.slug, "membership_id": s.pending.pk}, POST, scoped=True),
    "groups:decline": Route(lambda w, s: {"slug": s.group.slug, "membership_id": s.pending.pk}, BOTH, scoped=True),
    "groups:make_leader": Route(lambda w, s: {"slug": s.group.slug, "membership_id": s.pending.pk}, POST, scoped=True),
    "groups:step_down": Route(lambda w, s: {"slug": s.group.slug, "membership_id": s.pending.pk}, POST, scoped=True),
    "groups:create_invitation": Route(slug, POST, scoped=True),
    "groups:revoke_invitation": Route(
        lambda w, s: {"slug": s.group.slug, "invitation_id": s.invitation.pk}, POST, scoped=True
    ),
    "sessions:group": Route(slug, scoped=True),
    "sessions:create": Route(slug, BOTH, scoped=True),
    "sessions:create_series": Route(slug, BOTH, scoped=True),
    "sessions:member_history": Route(lambda w, s: {"slug": s.group.slug, "user_id": s.member.pk}, scoped=True),
    "sessions:detail": Route(upcoming, scoped=True),
    "sessions:join": Route(upcoming, BOTH, scoped=True),
    "sessions:go": Route(lambda w, s: {"session_id": s.upcoming.pk, "token": "not-a-real-ticket"}, scoped=True),
    "sessions:edit": Route(upcoming, BOTH, scoped=True),
    "sessions:meeting_link": Route(upcoming, BOTH, scoped=True),
    "sessions:cancel": Route(upcoming, BOTH, scoped=True),
    "sessions:open": Route(upcoming, POST, scoped=True),
    "sessions:end": Route(open_session, POST, scoped=True),
    "sessions:register": Route(upcoming, scoped=True),
    "sessions:camera_off": Route(upcoming, BOTH, scoped=True),
    "sessions:camera_off_list": Route(upcoming, scoped=True),
    "sessions:camera_off_withdraw": Route(lambda w, s: {"notice_id": s.notice.pk}, POST, scoped=True),
    "sessions:room": Route(open_session, scoped=True),
    "sessions:room_action": Route(open_session, POST, scoped=True),
    "sessions:room_state": Route(open_session, scoped=True),
    "sessions:room_left": Route(open_session, BOTH, scoped=True),
    "sessions:dashboard": Route(open_session, scoped=True),
    "sessions:dashboard_action": Route(open_session, POST, scoped=True),
    "sessions:dashboard_snapshot": Route(open_session, scoped=True),
    "sessions:call_credential": Route(open_session, POST, scoped=True),
    "sessions:private_credential": Route(open_session, POST, scoped=True),
    "sessions:private_words": Route(open_session, scoped=True),
    "safeguarding:concern_detail": Route(concern, BOTH, scoped=True),
    "safeguarding:concern_set_status": Route(concern, POST, scoped=True),
    "safeguarding:concern_escalate": Route(concern, POST, scoped=True),
    "safeguarding:group_safeguarding": Route(slug, scoped=True),
    "safeguarding:group_concerns": Route(slug, scoped=True),
    "safeguarding:raise_concern": Route(slug, BOTH, scoped=True),
    "safeguarding:welfare_reveal": Route(
        lambda w, s: {"slug": s.group.slug, "member_id": s.member.pk}, BOTH, scoped=True
    ),
    "safeguarding:remove_member": Route(
        lambda w, s: {"slug": s.group.slug, "member_id": s.quiet.pk}, BOTH, scoped=True
    ),
    "safeguarding:reinstate": Route(lambda w, s: {"pk": s.removal.pk}, BOTH, scoped=True),
    "care:group_follow_ups": Route(slug, scoped=True),
    "care:follow_up_claim": Route(lambda w, s: {"pk": s.follow_up.pk}, POST, scoped=True),
    "care:follow_up_close": Route(lambda w, s: {"pk": s.follow_up.pk}, POST, scoped=True),
    "care:follow_up_write": Route(lambda w, s: {"pk": s.follow_up.pk}, BOTH, scoped=True),
    "care:conversations": Route(none),
    "care:conversation": Route(lambda w, s: {"pk": s.conversation.pk}, BOTH, scoped=True),
    "care:message_leaders": Route(slug, BOTH, scoped=True),
    "care:concern_write": Route(concern, BOTH, scoped=True),
    "care:alert_write": Route(lambda w, s: {"pk": s.room_alert.pk}, BOTH, scoped=True),
    "wellbeing:group_safety_plans": Route(slug, scoped=True),
    "wellbeing:check_in": Route(open_session, BOTH, scoped=True),
    "wellbeing:group_check_in": Route(slug, POST, scoped=True),
    "wellbeing:session_debriefs": Route(upcoming, BOTH, scoped=True),
    "wellbeing:shared_safety_plan": Route(lambda w, s: {"slug": s.group.slug, "member_id": s.member.pk}, scoped=True),
}


def url_names() -> set[str]:
    """Every named URL of the app outside the admin (the admin is crawled separately)."""

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.app_name == "admin":
                    continue
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}{pattern.name}"

    return set(walk(get_resolver().url_patterns))


def url_for(name: str, world: World, side: Side) -> str:
    return reverse(name, kwargs=ROUTES[name].kwargs(world, side))
