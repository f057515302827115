"""Every named URL of the app, and how it is checked: the list the accessibility tests walk.

Each named URL (ours, allauth's and the admin's) appears here at least once, as:

- a PAGE, opened in real Chromium by the role that uses it and checked with axe (test_a11y_pages.py);
- an ACTION (POST only), DATA (JSON, calendar, downloads) or REDIRECT: not a page. The coverage test
  (test_a11y_coverage.py) asks each of them with the Django test client and checks it really answers that
  way, so the list cannot hide a page behind a wrong label.

A new named URL that is missing here fails test_every_named_url_is_in_the_list: add it with the role that
uses it, and data for its arguments in `build_site`.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

ANONYMOUS, MEMBER, LEADER, TRUSTEE = "anonymous", "member", "leader", "trustee"
ROLES = (ANONYMOUS, MEMBER, LEADER, TRUSTEE)


class Kind(enum.StrEnum):
    PAGE = "page"
    ACTION = "action"  # POST only: a GET is refused with 405
    DATA = "data"  # answers with something other than HTML
    REDIRECT = "redirect"  # never shows a page of its own


# --- the data the URLs' arguments come from ------------------------------------------------------------


@dataclass
class Site:
    """The cast of the permission ladder plus one of everything a page can show."""

    cast: Any
    weekend_group: Any  # the member belongs but has not agreed to its guidelines yet
    open_session: Any
    upcoming_session: Any
    past_session: Any
    camera_off_notice: Any
    concern: Any
    removal: Any
    invitation: Any
    invitation_token: str
    unverified_email_key: str
    password_reset_key: str
    calendar_token: str
    follow_up: Any = None
    conversation: Any = None
    room_alert: Any = None
    check_in_session: Any = None  # an open session of a group that asks the monthly wellbeing check-in

    def user(self, role: str):
        return {ANONYMOUS: None, MEMBER: self.cast.member, LEADER: self.cast.leader, TRUSTEE: self.cast.trustee}[role]


def build_site(cast, *, group_factory, membership_factory, session_factory, user_factory) -> Site:
    """Create one of everything the pages list, show or act on."""
    from allauth.account.forms import default_token_generator
    from allauth.account.models import EmailAddress, EmailConfirmationHMAC
    from allauth.account.utils import user_pk_to_url_str
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    from care.conversations import start_conversation
    from care.models import FollowUp
    from groups import invitations
    from groups.models import Membership
    from safeguarding import removals
    from safeguarding import services as safeguarding
    from sessions import calendar_feeds, camera_off_notices
    from sessions.models import Attendance, GroupSession, RoomAlert

    weekend = group_factory("Weekend group")
    membership_factory(weekend, cast.member, agreed=False)
    from charity.models import Charity

    Charity.objects.create(
        pk=1, name="Calm Waters", contact_email="hello@example.org", safeguarding_email="safeguarding@example.org"
    )

    open_session = session_factory(
        cast.group, starts_in=timedelta(minutes=-10), status=GroupSession.Status.OPEN, topic="Finding calm"
    )
    upcoming = session_factory(cast.group, starts_in=timedelta(days=2), topic="Sleep and low mood")
    past = session_factory(
        cast.group, starts_in=timedelta(days=-7), status=GroupSession.Status.ENDED, topic="Small steps"
    )
    now = timezone.now()
    Attendance.objects.create(session=past, user=cast.member, joined_at=past.starts_at, left_at=past.ends_at)
    Attendance.objects.create(session=past, user=cast.leader, joined_at=past.starts_at, left_at=past.ends_at)

    member_membership = Membership.objects.get(group=cast.group, user=cast.member)
    notice = camera_off_notices.give_camera_off_notice(
        member_membership, session=upcoming, reason="I join from a shared room.", standing=False
    )
    RecoveryCodes.activate(cast.leader)
    contact = safeguarding.save_contact_details(user=cast.member, consent=True, phone="07700 900123")
    safeguarding.reveal_contact_details(contact, actor=cast.trustee, reason="We were worried after a session.")
    concern = safeguarding.raise_concern(
        raised_by=cast.member, group=cast.group, category="other", risk_level="low", details="Evenings are hard."
    )
    suspended = Membership.objects.get(group=cast.group, user=cast.suspended)
    removal = removals.remove_member(
        suspended, actor=cast.leader, kind="temporary", reasons=["other"], until=now + timedelta(days=14)
    )
    invitation, token = invitations.create_invitation(cast.group, actor=cast.leader, note="For Robin")
    _data_rights_records(cast)
    calendar_token = calendar_feeds.new_calendar_feed(cast.member)
    _care_records(cast, past)
    check_in_session = _wellbeing_check_in(cast, group_factory, membership_factory, session_factory)

    newcomer = user_factory("newcomer@example.org", display_name="Newcomer", verified=False)
    email_key = EmailConfirmationHMAC(EmailAddress.objects.get(user=newcomer)).key
    reset_key = f"{user_pk_to_url_str(cast.member)}-{default_token_generator.make_token(cast.member)}"
    return Site(
        cast=cast,
        weekend_group=weekend,
        open_session=open_session,
        upcoming_session=upcoming,
        past_session=past,
        camera_off_notice=notice,
        concern=concern,
        removal=removal,
        invitation=invitation,
        invitation_token=token,
        unverified_email_key=email_key,
        password_reset_key=reset_key,
        calendar_token=calendar_token,
        follow_up=FollowUp.objects.create(
            group=cast.group, session=past, member=cast.member, kind="contact", happened_at=now, due_at=now
        ),
        conversation=start_conversation(actor=cast.member, group=cast.group, body="Could someone call me?"),
        room_alert=RoomAlert.objects.create(session=open_session, user=cast.member, kind=RoomAlert.Kind.MESSAGE),
        check_in_session=check_in_session,
    )


def _data_rights_records(cast) -> None:
    """A data-rights request, a complaint and a breach, for the trustees' logs in the admin."""
    from safeguarding import datarights_services

    datarights_services.record_request(
        actor=cast.trustee, kind="access", received_on=timezone.localdate(), person=cast.member
    )
    datarights_services.raise_data_complaint(person=cast.member, details="You kept my old phone number.")
    from safeguarding import suitability

    today = timezone.localdate()
    suitability.record_check(
        actor=cast.trustee,
        person=cast.leader,
        kind="dbs_enhanced",
        done_on=today - timedelta(days=400),
        renew_on=today + timedelta(days=20),
    )
    datarights_services.save_breach(
        None,
        actor=cast.trustee,
        became_aware_at=timezone.now() - timedelta(hours=5),
        what_happened="An email went to the wrong member.",
        decision="undecided",
    )


def _care_records(cast, past_session) -> None:
    """A crisis line (a transactional test may have flushed the seeded ones), a shared safety plan, a debrief
    with two open items (follow-ups: one about the member, one about nobody in particular)."""
    from wellbeing import services as wellbeing
    from wellbeing.debrief_items import OpenItem
    from wellbeing.models import CrisisLine, default_crisis_lines

    if not CrisisLine.objects.exists():
        CrisisLine.objects.bulk_create(default_crisis_lines())
    wellbeing.save_safety_plan(
        user=cast.member, sections={"warning_signs": "Not sleeping."}, shared_groups=[cast.group]
    )
    wellbeing.add_debrief(
        past_session,
        actor=cast.leader,
        how_it_went="Quiet, kind.",
        carry_forward="Sleep, again.",
        open_items=[OpenItem("Call Mo on Friday.", cast.member.pk), OpenItem("Book the quieter room.")],
    )


def _wellbeing_check_in(cast, group_factory, membership_factory, session_factory):
    """A group of the member's that asks the ONS4 check-in, open now, and answers from last month (theirs too)."""
    from sessions.models import GroupSession
    from wellbeing.checkin import services
    from wellbeing.checkin.models import CheckInAnswer

    group = group_factory("Wellbeing group")
    membership_factory(group, cast.member)
    leader = membership_factory(group, role="leader").user
    services.set_group_check_in(group, actor=leader, asks=True)
    session = session_factory(group, starts_in=timedelta(minutes=-5), status=GroupSession.Status.OPEN)
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    # Five people, so that the funders' figures show the averages (nothing is shown from fewer).
    for n, person in enumerate([cast.member, *(membership_factory(group).user for _ in range(4))]):
        answer = CheckInAnswer(user=person, group=group, month=last_month)
        answer.set_scores({"satisfied": 6, "worthwhile": 7, "happy": 5 + n % 3, "anxious": 4})
        answer.save()
    return session


# --- the list ---------------------------------------------------------------------------------------------


def no_args(site: Site) -> dict:
    return {}


Act = Callable[[Any, Site, str], None]  # (Playwright page, site, live server URL): gets the page onto the screen


@dataclass(frozen=True)
class Entry:
    name: str
    role: str
    kwargs: Callable[[Site], dict] = no_args
    kind: Kind = Kind.PAGE
    status: int = 200
    query: str = ""
    why: str = ""  # for anything that is not a page, or a page shown with a refusal: why
    act: Act | None = None  # a page only a form leads to: how to get there in the browser
    admin_view: tuple[str, str] | None = None  # ("change", "safeguarding.Concern"): a model's admin page

    def path(self, site: Site) -> str:
        path = reverse(self.name, kwargs=self.kwargs(site))
        return f"{path}?{self.query}" if self.query else path

    def __str__(self) -> str:
        return f"{self.name} as {self.role}" + (f" ({self.status})" if self.status != 200 else "")


def slug(site: Site) -> dict:
    return {"slug": site.cast.group.slug}


def open_session(site: Site) -> dict:
    return {"session_id": site.open_session.pk}


def upcoming(site: Site) -> dict:
    return {"session_id": site.upcoming_session.pk}


def past(site: Site) -> dict:
    return {"session_id": site.past_session.pk}


def join_ticket(site: Site) -> dict:
    """A fresh single-use ticket for the open session (each use spends it)."""
    from groups.models import Membership
    from sessions import attendance

    membership = Membership.objects.get(group=site.cast.group, user=site.cast.member)
    return {"session_id": site.open_session.pk, "token": attendance.issue_join_token(site.open_session, membership)}


def membership_of(attr: str) -> Callable[[Site], dict]:
    def kwargs(site: Site) -> dict:
        from groups.models import Membership

        user = getattr(site.cast, attr)
        membership = Membership.objects.get(group=site.cast.group, user=user)
        return {"slug": site.cast.group.slug, "membership_id": membership.pk}

    return kwargs


def other_group(site: Site) -> dict:
    return {"slug": site.cast.other_group.slug}


def invitation(site: Site) -> dict:
    return {"slug": site.cast.group.slug, "invitation_id": site.invitation.pk}


def reset_key(site: Site) -> dict:
    uidb36, key = site.password_reset_key.split("-", 1)
    return {"uidb36": uidb36, "key": key}


def view_on_site(site: Site) -> dict:
    from django.contrib.contenttypes.models import ContentType

    return {"content_type_id": ContentType.objects.get_for_model(site.cast.group).pk, "object_id": site.cast.group.pk}


def member_of_group(site: Site) -> dict:
    return {"slug": site.cast.group.slug, "member_id": site.cast.member.pk}


def make_an_invitation(page, site: Site, url: str) -> None:
    page.goto(f"{url}{reverse('groups:members', kwargs=slug(site))}")
    page.get_by_role("button", name="Make an invitation link").click()
    page.wait_for_url(f"**{reverse('groups:create_invitation', kwargs=slug(site))}")


def sign_in_as_a_leader(page, site: Site, url: str) -> None:
    from tests.fixtures.factories import TEST_PASSWORD

    page.goto(f"{url}{reverse('account_login')}")
    page.get_by_label("Email").fill(site.cast.leader.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{reverse('mfa_authenticate')}")


def reveal_contact_details(page, site: Site, url: str) -> None:
    page.goto(f"{url}{reverse('safeguarding:welfare_reveal', kwargs=member_of_group(site))}")
    page.get_by_label("Why do you need to see these details?").fill("They left the session upset and said goodbye.")
    page.get_by_role("button", name="Show").click()
    page.get_by_text("07700 900123").wait_for()


def sent_empty(name: str, kwargs: Callable[[Site], dict], button: str) -> Act:
    """Open the page and send its form empty (past the browser's own checks): the page with its errors."""

    def act(page, site: Site, url: str) -> None:
        page.goto(f"{url}{reverse(name, kwargs=kwargs(site))}")
        page.evaluate("() => document.querySelectorAll('main form').forEach(form => { form.noValidate = true; })")
        page.get_by_role("button", name=button).click()
        page.locator(".field-errors, .form-errors").first.wait_for()
        untied = page.evaluate(UNTIED_ERRORS)
        assert not untied, f"{name}: errors not tied to their fields with aria-describedby: {untied}"

    return act


# Each field's error message must be read out with its field: some control's aria-describedby names it.
UNTIED_ERRORS = """() => [...document.querySelectorAll(".field-errors[id]")]
  .filter(error => !document.querySelector(`[aria-describedby~="${error.id}"]`))
  .map(error => error.id)"""


A, M, L, T = ANONYMOUS, MEMBER, LEADER, TRUSTEE
ACTION, DATA, REDIRECT = Kind.ACTION, Kind.DATA, Kind.REDIRECT

ENTRIES: list[Entry] = [
    # The site's own pages.
    Entry("home", A),
    Entry("home", M),
    Entry("safeguarding_policy", A),
    Entry("healthz", A, kind=DATA, why="JSON for the load balancer"),
    # Accounts (allauth).
    Entry("account_login", A),
    Entry("account_signup", A),
    Entry("account_signup", A, act=sent_empty("account_signup", no_args, "Sign up"), why="with errors"),
    Entry("account_logout", M),
    Entry("account_logout", A, kind=REDIRECT, why="nobody to sign out: back to the home page"),
    Entry("account_inactive", A),
    Entry("account_reauthenticate", M),
    Entry("account_email", M),
    Entry("account_email_verification_sent", A),
    Entry("account_confirm_email", A, kwargs=lambda site: {"key": site.unverified_email_key}),
    Entry("account_change_password", M),
    Entry("account_set_password", M, kind=REDIRECT, why="everyone has a password: allauth offers to change it"),
    Entry("account_reset_password", A),
    Entry("account_reset_password_done", A),
    Entry("account_reset_password_from_key", A, kwargs=reset_key),
    Entry("account_reset_password_from_key_done", A),
    Entry("account_confirm_login_code", A, kind=REDIRECT, why="sign-in by emailed code is switched off"),
    Entry("mfa_index", L),
    Entry("mfa_index", M),
    Entry("mfa_authenticate", A, act=sign_in_as_a_leader),
    Entry("mfa_reauthenticate", L),
    Entry("mfa_activate_totp", M),
    Entry("mfa_deactivate_totp", L),
    Entry("mfa_view_recovery_codes", L),
    Entry("mfa_generate_recovery_codes", L),
    Entry("mfa_download_recovery_codes", L, kind=DATA, why="a text file of codes"),
    Entry("mfa_list_webauthn", L),
    Entry("mfa_add_webauthn", L),
    Entry("mfa_reauthenticate_webauthn", L, kind=REDIRECT, why="the leader has no passkey to confirm with"),
    Entry("mfa_edit_webauthn", L, kwargs=lambda site: {"pk": 999_999}, status=404, why="no such passkey"),
    Entry("mfa_remove_webauthn", L, kwargs=lambda site: {"pk": 999_999}, status=404, why="no such passkey"),
    # My account and my data.
    Entry("members:profile", M),
    Entry("members:my_data", M),
    Entry("members:download_my_data", M, kind=ACTION),
    Entry("members:erase_my_account", M),
    # Groups.
    Entry("groups:directory", A),
    Entry("groups:directory", M),
    Entry("groups:mine", M),
    Entry("groups:mine", L),
    Entry("groups:invitation", A, kwargs=lambda site: {"token": site.invitation_token}),
    Entry("groups:detail", M, kwargs=slug),
    Entry("groups:detail", L, kwargs=slug),
    Entry("groups:detail", M, kwargs=other_group, status=404, why="not their group"),
    Entry("groups:ask", M, kwargs=other_group),
    Entry("groups:agree", M, kwargs=lambda site: {"slug": site.weekend_group.slug}),
    Entry("groups:leave", M, kwargs=slug),
    Entry("groups:edit_guidelines", L, kwargs=slug),
    Entry("groups:room_settings", L, kwargs=slug),
    Entry("groups:members", L, kwargs=slug),
    Entry("groups:members", M, kwargs=slug, status=403, why="a member asking for a leaders' page"),
    Entry("groups:approve", L, kwargs=membership_of("pending"), kind=ACTION),
    Entry("groups:decline", L, kwargs=membership_of("pending")),
    Entry("groups:make_leader", L, kwargs=membership_of("member"), kind=ACTION),
    Entry("groups:step_down", L, kwargs=membership_of("co_leader"), kind=ACTION),
    Entry("groups:create_invitation", L, kwargs=slug, act=make_an_invitation),
    Entry("groups:revoke_invitation", L, kwargs=invitation, kind=ACTION),
    # Sessions.
    Entry("sessions:group", M, kwargs=slug),
    Entry("sessions:group", L, kwargs=slug),
    Entry("sessions:create", L, kwargs=slug),
    Entry("sessions:create", L, kwargs=slug, act=sent_empty("sessions:create", slug, "Schedule"), why="with errors"),
    Entry("sessions:create_series", L, kwargs=slug),
    Entry("sessions:member_history", L, kwargs=lambda site: {**slug(site), "user_id": site.cast.member.pk}),
    Entry("sessions:detail", M, kwargs=upcoming),
    Entry("sessions:detail", M, kwargs=open_session),
    Entry("sessions:detail", L, kwargs=open_session),
    Entry("sessions:detail", L, kwargs=past),
    Entry("sessions:join", M, kwargs=open_session),
    Entry("sessions:join", M, kwargs=past, status=403, why="the session is over: the refusal explains"),
    Entry("sessions:go", M, kwargs=join_ticket, kind=REDIRECT, why="a single-use ticket: on to the meeting"),
    Entry("sessions:edit", L, kwargs=upcoming),
    Entry("sessions:meeting_link", L, kwargs=upcoming),
    Entry("sessions:cancel", L, kwargs=upcoming),
    Entry("sessions:open", L, kwargs=upcoming, kind=ACTION),
    Entry("sessions:end", L, kwargs=open_session, kind=ACTION),
    Entry("sessions:register", L, kwargs=past),
    Entry("sessions:camera_off", M, kwargs=upcoming),
    Entry("sessions:camera_off_list", L, kwargs=upcoming),
    Entry("sessions:camera_off_withdraw", M, kwargs=lambda site: {"notice_id": site.camera_off_notice.pk}, kind=ACTION),
    Entry("sessions:calendar", M),
    Entry("sessions:calendar_feed", A, kwargs=lambda site: {"token": site.calendar_token}, kind=DATA, why="iCalendar"),
    Entry("sessions:figures", T, kind=REDIRECT, why="the first round's figures page: on to the funders' figures"),
    Entry("sessions:room", M, kwargs=open_session),
    Entry("sessions:room", M, kwargs=upcoming, status=409, why="the room is not open yet"),
    Entry("sessions:room_action", M, kwargs=open_session, kind=ACTION),
    Entry("sessions:room_state", M, kwargs=open_session, kind=DATA, why="JSON for the room's script"),
    Entry("sessions:room_left", M, kwargs=open_session),
    Entry("sessions:dashboard", L, kwargs=open_session),
    Entry("sessions:dashboard_action", L, kwargs=open_session, kind=ACTION),
    Entry("sessions:dashboard_snapshot", L, kwargs=open_session, kind=DATA, why="JSON for the dashboard's script"),
    # Care: help now, safety plans.
    Entry("wellbeing:help", A),
    Entry("wellbeing:help", M),
    Entry("wellbeing:safety_plan", M),
    Entry("wellbeing:safety_plan_print", M),
    Entry("wellbeing:safety_plan_delete", M, kind=ACTION),
    Entry("wellbeing:group_safety_plans", L, kwargs=slug),
    Entry("wellbeing:shared_safety_plan", L, kwargs=member_of_group),
    Entry("wellbeing:session_debriefs", L, kwargs=past),
    Entry("wellbeing:check_in", M, kwargs=lambda site: {"session_id": site.check_in_session.pk}),
    Entry("wellbeing:my_check_ins", M),
    Entry("wellbeing:my_check_ins_chart", M, kind=DATA, why="the member's own answers as an SVG picture"),
    Entry("wellbeing:group_check_in", L, kwargs=slug, kind=ACTION),
    Entry("sessions:call_credential", M, kwargs=open_session, kind=ACTION),
    Entry("sessions:private_credential", M, kwargs=open_session, kind=ACTION),
    Entry("sessions:private_words", M, kwargs=open_session, kind=DATA, why="JSON for the private word's script"),
    # Safeguarding.
    Entry("safeguarding:my_contact_details", M),
    Entry(
        "safeguarding:my_contact_details",
        M,
        act=sent_empty("safeguarding:my_contact_details", no_args, "Save my"),
        why="with errors",
    ),
    Entry("safeguarding:withdraw_contact_details", M, kind=ACTION),
    Entry("safeguarding:my_concerns", M),
    Entry("safeguarding:funder_figures", T),
    Entry("safeguarding:funder_figures", M, status=403, why="figures are for the trustees"),
    Entry("safeguarding:funder_figures_chart", T, kind=DATA, why="the figures' chart, an SVG picture"),
    Entry("safeguarding:funder_figures_follow_ups_chart", T, kind=DATA, why="the follow-ups' chart, an SVG picture"),
    Entry("safeguarding:funder_figures_wellbeing_chart", T, kind=DATA, why="the wellbeing averages, an SVG picture"),
    Entry("safeguarding:funder_figures_csv", T, kind=DATA, why="the figures as CSV"),
    Entry("safeguarding:data_complaint", M),
    Entry(
        "safeguarding:data_complaint",
        M,
        act=sent_empty("safeguarding:data_complaint", no_args, "Send my complaint"),
        why="with errors",
    ),
    Entry("safeguarding:concern_start", M),
    Entry("safeguarding:concern_detail", M, kwargs=lambda site: {"pk": site.concern.pk}),
    Entry("safeguarding:concern_detail", L, kwargs=lambda site: {"pk": site.concern.pk}),
    Entry("safeguarding:concern_set_status", L, kwargs=lambda site: {"pk": site.concern.pk}, kind=ACTION),
    Entry("safeguarding:concern_escalate", L, kwargs=lambda site: {"pk": site.concern.pk}, kind=ACTION),
    Entry("safeguarding:group_safeguarding", L, kwargs=slug),
    Entry("safeguarding:group_concerns", L, kwargs=slug),
    # Follow-ups and conversations (care/).
    Entry("care:group_follow_ups", L, kwargs=slug),
    Entry("care:follow_up_claim", L, kwargs=lambda site: {"pk": site.follow_up.pk}, kind=ACTION),
    Entry("care:follow_up_close", L, kwargs=lambda site: {"pk": site.follow_up.pk}, kind=ACTION),
    Entry("care:follow_up_write", L, kwargs=lambda site: {"pk": site.follow_up.pk}),
    Entry("care:conversations", M),
    Entry("care:conversations", L),
    Entry("care:conversation", M, kwargs=lambda site: {"pk": site.conversation.pk}),
    Entry("care:conversation", L, kwargs=lambda site: {"pk": site.conversation.pk}),
    Entry("care:message_leaders", M, kwargs=lambda site: {"slug": site.weekend_group.slug}),
    Entry(
        "care:message_leaders",
        M,
        kwargs=slug,
        kind=REDIRECT,
        why="the member already writes to these leaders: their conversation opens",
    ),
    Entry("care:concern_write", L, kwargs=lambda site: {"pk": site.concern.pk}),
    Entry(
        "care:alert_write",
        L,
        kwargs=lambda site: {"pk": site.room_alert.pk},
        kind=REDIRECT,
        why="the member already writes to these leaders: their conversation opens",
    ),
    Entry("safeguarding:raise_concern", M, kwargs=slug),
    Entry(
        "safeguarding:raise_concern",
        M,
        kwargs=slug,
        act=sent_empty("safeguarding:raise_concern", slug, "Send"),
        why="with errors",
    ),
    Entry("safeguarding:raise_concern", L, kwargs=slug),
    Entry("safeguarding:welfare_reveal", L, kwargs=member_of_group),
    Entry("safeguarding:welfare_reveal", L, kwargs=member_of_group, act=reveal_contact_details, why="after revealing"),
    Entry("safeguarding:remove_member", L, kwargs=member_of_group),
    Entry("safeguarding:reinstate", L, kwargs=lambda site: {"pk": site.removal.pk}),
    # The admin's own URLs (each model's pages are added by admin_entries below).
    Entry("admin:index", T),
    Entry("admin:login", A, kind=REDIRECT, why="trustees sign in on the site's own page, with two-step verification"),
    Entry("admin:logout", T, kind=ACTION),
    Entry("admin:password_change", T),
    Entry("admin:password_change_done", T),
    Entry(
        "admin:autocomplete",
        T,
        query="app_label=groups&model_name=membership&field_name=user",
        kind=DATA,
        why="JSON for the admin's autocomplete widgets",
    ),
    Entry("admin:jsi18n", T, kind=DATA, why="the admin's JavaScript translations"),
    Entry("admin:view_on_site", T, kwargs=view_on_site, kind=REDIRECT, why="on to the object's page on the site"),
    Entry(
        "admin:auth_user_password_change",
        T,
        kwargs=lambda site: {"id": site.cast.outsider.pk},
        status=403,
        why="only a superuser sets someone else's password (members/admin.py)",
    ),
]


# --- the admin: every registered model's pages, as the trustee sees them -------------------------------------

ADMIN_VIEWS = ("changelist", "add", "change", "history", "delete")


def admin_entries() -> list[Entry]:
    """Each registered model's admin pages, plus each app's index, for the trustee."""
    from django.contrib import admin

    entries = []
    app_labels = sorted({model._meta.app_label for model in admin.site._registry})
    for label in app_labels:
        kwargs = lambda site, label=label: {"app_label": label}  # noqa: E731
        entries.append(Entry("admin:app_list", T, kwargs=kwargs, admin_view=("app_list", label)))
    for model in admin.site._registry:
        opts = model._meta
        for view in ADMIN_VIEWS:
            name = f"admin:{opts.app_label}_{opts.model_name}_{view}"
            if view in ("changelist", "add"):
                kwargs = no_args
            else:
                kwargs = lambda site, model=model: {"object_id": _first(model).pk}  # noqa: E731
            entries.append(Entry(name, T, kwargs=kwargs, admin_view=(view, opts.label)))
    entries.append(Entry("admin:safeguarding_suitabilitycheck_override", T))
    entries.append(
        Entry(
            "admin:safeguarding_concern_chronology",
            T,
            kwargs=lambda site: {"object_id": site.concern.pk},
            kind=DATA,
            why="the case's chronology as a PDF",
        )
    )
    entries.append(
        Entry(
            "admin:safeguarding_contactdetails_reveal",
            T,
            kwargs=lambda site: {"object_id": _first_contact_details().pk},
        )
    )
    entries.append(
        Entry(
            "admin:groups_supportgroup_invite_leader",
            T,
            kwargs=lambda site: {"object_id": site.cast.group.pk},
        )
    )
    return entries


def _first(model):
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"build_site() makes no {model._meta.label}: its admin pages need one"
    return obj


def _first_contact_details():
    from safeguarding.models import ContactDetails

    return _first(ContactDetails)


def admin_status(entry: Entry, site: Site) -> int:
    """What the admin answers the trustee: 200, or 403 (404 for an app's index) where they have no right."""
    from django.apps import apps
    from django.contrib import admin
    from django.test import RequestFactory

    if entry.admin_view is None:
        return entry.status
    view, label = entry.admin_view
    request = RequestFactory().get("/")
    request.user = site.cast.trustee
    if view == "app_list":
        return 200 if admin.site.get_app_list(request, label) else 404
    model = apps.get_model(label)
    model_admin = admin.site._registry[model]
    obj = None if view in ("changelist", "add") else _first(model)
    allowed = {
        "changelist": lambda: model_admin.has_view_or_change_permission(request),
        "add": lambda: model_admin.has_add_permission(request),
        "change": lambda: model_admin.has_view_or_change_permission(request, obj),
        "history": lambda: model_admin.has_view_or_change_permission(request, obj),
        "delete": lambda: model_admin.has_delete_permission(request, obj),
    }[view]()
    return 200 if allowed else 403


def all_entries() -> list[Entry]:
    return ENTRIES + admin_entries()


def pages_for(role: str, site: Site) -> list[tuple[Entry, str, int]]:
    """The pages a role opens in the browser: (entry, path, expected status)."""
    pages = []
    for entry in all_entries():
        if entry.role != role or entry.kind != Kind.PAGE:
            continue
        status = admin_status(entry, site)
        if status in (403, 404) and (entry.admin_view or entry.name.startswith("admin:")):
            continue  # a page trustees may not open: the coverage test checks they are refused
        pages.append((entry, entry.path(site), status))
    return pages


# --- every named URL ----------------------------------------------------------------------------------------


def named_urls() -> dict[str, URLPattern]:
    """Every named URL pattern, by its full (namespaced) name."""
    found: dict[str, URLPattern] = {}

    def walk(patterns, namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = namespace
                if pattern.namespace:
                    ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern.url_patterns, ns)
            elif pattern.name:
                found[f"{namespace}:{pattern.name}" if namespace else pattern.name] = pattern

    walk(get_resolver().url_patterns, None)
    return found
