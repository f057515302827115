"""Every admin view, along the ladder: what a trustee can open is a reviewed list, not an accident.

A new admin view (a new model, a custom URL) fails `test_a_trustee_reaches_exactly_the_reviewed_admin_views`
until someone decides what a trustee may do with it. The powers that would let a trustee take over an
account (set a password, change a sign-in email, appoint themselves) are tested in
tests/members/test_trustee_admin_powers.py.
"""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

from core.models import AuditEvent
from groups.models import Membership
from members.models import User
from safeguarding import services as safeguarding
from safeguarding.models import ContactAccess, ContactDetails
from sessions.models import Attendance
from tests.fixtures.factories import enable_mfa
from tests.security.conftest import login_as


def _one_object(model, world):
    """A record of each registered model, for the views that take an id."""
    if model is User:
        return world.cast.member
    if model is Group:
        return Group.objects.get(name="Trustees")
    if model is EmailAddress:
        return EmailAddress.objects.get(user=world.cast.leader)
    if model is Authenticator:
        return Authenticator.objects.filter(user=world.cast.leader).first()
    if model is Membership:
        return Membership.objects.get(user=world.cast.member, group=world.cast.group)
    if model is Attendance:
        return Attendance.objects.create(session=world.a.open_session, user=world.cast.member)
    if model is ContactAccess:
        return (
            safeguarding.reveal_contact_details(
                ContactDetails.objects.get(user=world.cast.member), actor=world.cast.trustee, reason="A welfare check."
            )
            and ContactAccess.objects.first()
        )
    if model is ContactDetails:
        return ContactDetails.objects.get(user=world.cast.member)
    if model is AuditEvent:
        return AuditEvent.objects.first()
    if found := _one_of_this_rounds(model, world):
        return found
    return {"supportgroup": world.cast.group, "groupsession": world.a.upcoming}.get(model._meta.model_name) or {
        "concern": world.a.concern,
        "removal": world.a.removal,
        "cameraoffnotice": world.a.notice,
    }[model._meta.model_name]


def _one_of_this_rounds(model, world):
    """Records of the models added in the second round (made here when the world has none); None for the rest."""
    from datetime import timedelta

    from django.utils import timezone

    from care.models import FollowUp
    from charity.models import Charity
    from safeguarding import datarights_services, suitability
    from safeguarding.models import Breach, DataRightsRequest, SuitabilityCheck
    from wellbeing import services as wellbeing
    from wellbeing.checkin import services as check_in
    from wellbeing.checkin.models import GroupCheckIn
    from wellbeing.models import CrisisLine, Debrief, default_crisis_lines

    trustee, today = world.cast.trustee, timezone.localdate()
    makers = {
        Charity: lambda: Charity.objects.create(
            pk=1, name="Calm Waters", contact_email="hello@example.org", safeguarding_email="safe@example.org"
        ),
        DataRightsRequest: lambda: datarights_services.record_request(
            actor=trustee, kind="access", received_on=today, person_name="R", details="Asked for their data."
        ),
        Breach: lambda: datarights_services.save_breach(
            None,
            actor=trustee,
            what_happened="A lost list.",
            decision="not_reporting",
            not_reporting_reason="No risk.",
            steps_taken="Found.",
        ),
        SuitabilityCheck: lambda: suitability.record_check(
            actor=trustee, person=world.cast.leader, kind="dbs_basic", done_on=today, reference="ref"
        ),
        CrisisLine: lambda: CrisisLine.objects.bulk_create(default_crisis_lines())[0],
        Debrief: lambda: _a_debrief(world, wellbeing, timedelta),
        FollowUp: lambda: world.a.follow_up,
        GroupCheckIn: lambda: (
            check_in.set_group_check_in(world.cast.group, actor=trustee, asks=True)
            and GroupCheckIn.objects.get(group=world.cast.group)
        ),
    }
    if model not in makers:
        return None
    return model._default_manager.first() or makers[model]()


def _a_debrief(world, wellbeing, timedelta):
    session = world.a.upcoming
    session.status = session.Status.ENDED
    session.save(update_fields=["status"])
    return wellbeing.add_debrief(session, actor=world.a.leader, how_it_went="Quiet.", carry_forward="", how_we_are="")


def every_admin_url(world) -> dict[str, str]:
    """{url name: url} for every view of every registered ModelAdmin, and the site's own pages."""
    urls = {name: reverse(f"admin:{name}") for name in ("index", "password_change")}
    for model, model_admin in admin.site._registry.items():
        obj = _one_object(model, world)
        assert obj is not None, model
        urls[f"app_list:{model._meta.app_label}"] = reverse("admin:app_list", args=[model._meta.app_label])
        for pattern in model_admin.get_urls():
            if not pattern.name:
                continue
            needs_id = "<" in str(pattern.pattern)
            urls[pattern.name] = reverse(f"admin:{pattern.name}", args=[obj.pk] if needs_id else [])
    return urls


def statuses(client, urls) -> dict[str, int]:
    return {name: client.get(url).status_code for name, url in sorted(urls.items())}


@pytest.fixture
def admin_urls(world):
    return every_admin_url(world)


@pytest.mark.parametrize("role", ["anonymous", "outsider", "member", "leader", "removed"])
def test_nobody_below_trustee_opens_any_admin_view(client, world, admin_urls, role):
    login_as(client, world.cast, role)
    for name, url in admin_urls.items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("admin:login")), name


OPENS, REFUSED, NO_APP = 200, 403, 404

# Reviewed: what a trustee may open in the admin. Sign-in records (email addresses, second factors,
# auth groups) are the superuser's; so are other people's passwords and new accounts.
TRUSTEE_REACHES = {
    "index": OPENS,
    "password_change": OPENS,  # their own, with their current password
    **{f"app_list:{app}": NO_APP for app in ("account", "auth", "mfa")},
    **{f"app_list:{app}": OPENS for app in ("group_sessions", "groups", "members", "safeguarding")},
    **{
        f"{model}_{view}": REFUSED
        for model in ("account_emailaddress", "auth_group", "mfa_authenticator")
        for view in ("add", "change", "changelist", "delete", "history")
    },
    "auth_user_password_change": REFUSED,
    "members_user_add": REFUSED,
    "members_user_change": OPENS,  # name, pronouns, reminders, disabling; not the email or the password
    "members_user_changelist": OPENS,
    "members_user_delete": REFUSED,  # it would skip the erasure workflow (peersupport/gdpr.py)
    "members_user_history": OPENS,
    **{
        f"group_sessions_{model}_{view}": OPENS
        for model in ("attendance", "cameraoffnotice", "groupsession")
        for view in ("change", "changelist", "delete", "history")
    },
    **{f"group_sessions_{model}_add": REFUSED for model in ("attendance", "cameraoffnotice", "groupsession")},
    **{
        f"groups_{model}_{view}": OPENS
        for model in ("membership", "supportgroup")
        for view in ("add", "change", "changelist", "history")
    },
    **{f"groups_{model}_delete": REFUSED for model in ("membership", "supportgroup")},
    **{
        f"{model}_{view}": OPENS
        for model in (
            "core_auditevent",
            "safeguarding_concern",
            "safeguarding_contactaccess",
            "safeguarding_contactdetails",
        )
        for view in ("change", "changelist", "history")
    },
    **{
        f"{model}_{view}": REFUSED
        for model in (
            "core_auditevent",
            "safeguarding_concern",
            "safeguarding_contactaccess",
            "safeguarding_contactdetails",
        )
        for view in ("add", "delete")
    },
    "safeguarding_contactdetails_reveal": OPENS,
    **{f"safeguarding_removal_{view}": OPENS for view in ("add", "change", "changelist", "history")},
    "safeguarding_removal_delete": REFUSED,
    # The second round's admin views.
    **{f"app_list:{app}": OPENS for app in ("care", "charity", "core", "wellbeing")},  # core: the audit trail
    "groups_supportgroup_invite_leader": OPENS,  # a group's first leader (setup_charity's invitation, later)
    "safeguarding_concern_chronology": OPENS,  # the case's PDF, audited
    "safeguarding_suitabilitycheck_override": OPENS,  # appointing despite a lapsed check, with a reason, audited
    # The charity's one row: corrected, never added to or deleted.
    **{f"charity_charity_{view}": OPENS for view in ("change", "changelist", "history")},
    **{f"charity_charity_{view}": REFUSED for view in ("add", "delete")},
    # Follow-ups are made by sessions and worked by leaders; trustees see them (the overdue list) and correct.
    # Debriefs are the leaders' and add-only: trustees see that one happened (the words only with a case).
    **{
        f"{model}_{view}": OPENS
        for model in ("care_followup", "wellbeing_debrief")
        for view in ("change", "changelist", "history")
    },
    **{f"{model}_{view}": REFUSED for model in ("care_followup", "wellbeing_debrief") for view in ("add", "delete")},
    # The regulators' records: recorded and updated by trustees, never deleted.
    **{
        f"safeguarding_{model}_{view}": OPENS
        for model in ("breach", "datarightsrequest", "suitabilitycheck")
        for view in ("add", "change", "changelist", "history")
    },
    **{f"safeguarding_{model}_delete": REFUSED for model in ("breach", "datarightsrequest", "suitabilitycheck")},
    # Which groups ask the monthly wellbeing check-in: switched on or off (audited), never deleted.
    **{f"wellbeing_groupcheckin_{view}": OPENS for view in ("add", "change", "changelist", "history")},
    "wellbeing_groupcheckin_delete": REFUSED,
    # The crisis lines every page shows: the charity's own to change, add and remove (outside England too).
    **{f"wellbeing_crisisline_{view}": OPENS for view in ("add", "change", "changelist", "delete", "history")},
}


def test_a_trustee_reaches_exactly_the_reviewed_admin_views(client, world, admin_urls):
    login_as(client, world.cast, "trustee")
    assert statuses(client, admin_urls) == TRUSTEE_REACHES


def test_a_superuser_reaches_the_views_refused_to_trustees(client, world, admin_urls, user_factory):
    superuser = user_factory(is_staff=True, is_superuser=True)
    enable_mfa(superuser)
    client.force_login(superuser)
    got = statuses(client, admin_urls)
    refused_to_trustees = {name for name, status in TRUSTEE_REACHES.items() if status == REFUSED}
    opened = {name for name in refused_to_trustees if got[name] == OPENS}
    # Records that nobody edits (the audit trail, concerns raised in the app, deletions the models forbid)
    # stay refused to superusers too; the sign-in powers open.
    assert {"auth_user_password_change", "members_user_add", "account_emailaddress_change"} <= opened
    assert got["core_auditevent_delete"] == REFUSED
