"""Every URL of the app, fetched as every rung of the permission ladder, for both groups' records.

- No page shows a record of a group the person is not an active member of (markers, see conftest.py).
- A group's records named by the other group's people (ids and slugs) give 404, on GET and POST,
  also when an id of one group is put under the other group's slug.
- Nothing answers 500, and no free text reaches a page as HTML.
The per-page ladders (403 for members without the right, 200 for the right role) are in each area's
own tests; this crawl is the cross-check that nothing was forgotten.
"""

import pytest
from django.urls import reverse

from tests.security.conftest import LADDER, RAW_TAGS, SIDE_PEOPLE
from tests.security.routes import ROUTES, url_for, url_names

# What a person outside a group may still see of it: group A is listed in the public directory.
PUBLIC_MARKERS = {"A": {"group"}, "B": set()}
# Trustees read concerns raised with the charity, with their chronology (who raised it, in which group).
TRUSTEE_MARKERS = {"group", "concern", "note", "member"}
# Capability links (an invitation, a calendar address) show what they were made for to whoever holds them.
CAPABILITY_ROUTES = {"groups:invitation", "sessions:calendar_feed"}
CAPABILITY_MARKERS = {"group", "topic", "guest"}
# People who asked to join, are paused or were removed still see the group's name on their own pages.
STILL_KNOW_THE_NAME = {"pending", "suspended", "removed"}


def test_every_url_of_the_app_is_in_the_crawl():
    assert url_names() == set(ROUTES), "add the new URL to tests/security/routes.py"


def visible_markers(role: str, side_key: str) -> set[str]:
    """The kinds of marker of one side this person may see on some page."""
    if role in SIDE_PEOPLE[side_key]:
        return {"group", "topic", "guest", "quiet", "member", "concern", "note", "camera", "removal", "invite"} | {
            "request"
        }
    allowed = set(PUBLIC_MARKERS[side_key])
    if role == "trustee":
        allowed |= TRUSTEE_MARKERS
    if role in STILL_KNOW_THE_NAME and side_key == "A":
        allowed.add("group")
    return allowed


def check_page(response, *, role: str, url: str, name: str, world, url_side) -> set[str]:
    """Fail on anything this person may not see; return the markers they did see (e.g. "A-topic")."""
    assert response.status_code != 500, url
    seen = set()
    body = response.content.decode(errors="replace")
    for side in (world.a, world.b):
        allowed = visible_markers(role, side.key)
        # The meeting link only on its leaders' link form; contact details only to the person they belong to.
        if name == "sessions:meeting_link" and role in SIDE_PEOPLE[side.key] - {"member"}:
            allowed = allowed | {"link"}
        if role == "member" and side.key == "A":
            allowed = allowed | {"phone"}
        if name in CAPABILITY_ROUTES and side is url_side:
            allowed = allowed | CAPABILITY_MARKERS
        for kind, marker in side.markers.items():
            if kind not in allowed:
                assert marker not in body, f"{role} saw {kind} of group {side.key} on {url}"
            elif marker in body:
                seen.add(f"{side.key}-{kind}")
    if response.get("Content-Type", "").startswith("text/html"):
        for tag in RAW_TAGS:
            assert tag not in body, f"unescaped text on {url} as {role}"
        if "&lt;img src=x" in body:
            seen.add("escaped-payload")
    return seen


# Positive controls: the crawl does reach these records for the people who may see them, so the
# markers are findable and a leak would be caught.
MUST_SEE = {
    "member": {"A-group", "A-topic", "A-guest", "A-member", "A-phone", "escaped-payload"},
    "leader": {"A-topic", "A-concern", "A-camera", "A-quiet", "A-link", "escaped-payload"},
    "other_leader": {"B-group", "B-topic", "B-concern", "B-link"},
    "trustee": {"A-concern", "B-concern"},
}


@pytest.mark.parametrize("role", LADDER)
def test_no_page_shows_another_groups_records(client, world, role):
    from tests.security.conftest import login_as

    login_as(client, world.cast, role)
    seen = set()
    for name, route in sorted(ROUTES.items()):
        if "GET" not in route.methods:
            continue
        for side in (world.a, world.b):
            url = url_for(name, world, side)
            response = client.get(url)
            seen |= check_page(response, role=role, url=url, name=name, world=world, url_side=side)
        if name in {"account_logout", "members:erase_my_account"}:
            login_as(client, world.cast, role)  # GET never signs anyone out, but be sure the crawl stays signed in
    assert MUST_SEE.get(role, set()) <= seen


def other_side_urls(world, own, other):
    """Each scoped route with the other side's records, and mixed (own slug, the other side's id)."""
    for name, route in sorted(ROUTES.items()):
        if not route.scoped:
            continue
        theirs = route.kwargs(world, other)
        yield name, route, reverse(name, kwargs=theirs), False
        mine = route.kwargs(world, own)
        if "slug" in mine and len(mine) > 1:
            yield name, route, reverse(name, kwargs={**theirs, "slug": mine["slug"]}), True


@pytest.mark.parametrize("role", ["member", "leader", "co_leader", "other_leader"])
def test_records_of_another_group_are_not_found(client, world, role):
    from tests.security.conftest import login_as

    login_as(client, world.cast, role)
    own, other = (world.b, world.a) if role == "other_leader" else (world.a, world.b)
    tried = 0
    for name, route, url, mixed in other_side_urls(world, own, other):
        # Under their own group's slug, a member who is not a leader is refused (403) before any id is read.
        expected = {403, 404} if mixed and role == "member" else {404}
        for method in route.methods:
            response = client.get(url) if method == "GET" else client.post(url, {})
            assert response.status_code in expected, f"{role}: {method} {url} ({name}) gave {response.status_code}"
            tried += 1
    assert tried > 60


def test_an_unlisted_groups_ask_page_is_not_found(client, world):
    client.force_login(world.cast.outsider)
    assert client.get(reverse("groups:ask", args=[world.b.group.slug])).status_code == 404
    assert client.get(reverse("groups:ask", args=[world.a.group.slug])).status_code == 200  # listed: anyone may ask


def test_another_groups_concern_is_not_found_even_for_a_leader_with_the_raisers_name(client, world):
    """A leader of B naming A's concern, A's removal and A's camera-off notice by id gets nothing."""
    client.force_login(world.cast.other_leader)
    for url in [
        reverse("safeguarding:concern_detail", args=[world.a.concern.pk]),
        reverse("safeguarding:reinstate", args=[world.a.removal.pk]),
    ]:
        assert client.get(url).status_code == 404
    response = client.post(reverse("sessions:camera_off_withdraw", args=[world.a.notice.pk]))
    assert response.status_code == 404
