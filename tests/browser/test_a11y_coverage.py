"""The list of pages the accessibility tests walk covers every named URL, and says truly what each one is.

No browser here: the Django test client asks each URL as the listed role and checks the answer matches the
list (a page is HTML with its status, an action refuses GET, data is not HTML, a redirect redirects).
"""

from tests.browser.conftest import sign_in
from tests.browser.site_pages import ANONYMOUS, Kind, Site, admin_status, all_entries, named_urls


def test_every_named_url_is_in_the_list(site):
    listed = {entry.name for entry in all_entries()}
    named = set(named_urls())

    missing = sorted(named - listed)
    assert not missing, (
        "These named URLs are not in tests/browser/site_pages.py, so no accessibility test opens them. "
        "Add each with the role that uses it (and its arguments in build_site): " + ", ".join(missing)
    )
    assert not sorted(listed - named), f"site_pages.py lists URLs that no longer exist: {sorted(listed - named)}"


def test_every_listed_url_answers_as_the_list_says(site: Site, client):
    wrong = []
    for entry in all_entries():
        if entry.act is not None:
            continue  # reached through a form in the browser; the browser test checks where it lands
        client.logout()
        if entry.role != ANONYMOUS:
            sign_in(client, site.user(entry.role))
        path = entry.path(site)
        response = client.get(path)
        status, content_type = response.status_code, response.get("Content-Type", "")
        is_html = content_type.startswith("text/html")
        if entry.kind == Kind.PAGE:
            expected = admin_status(entry, site)
            ok = status == expected and is_html
            want = f"{expected}, HTML"
        elif entry.kind == Kind.ACTION:
            ok, want = status == 405, "405 (POST only)"
        elif entry.kind == Kind.DATA:
            ok, want = status == entry.status and not is_html, f"{entry.status}, not HTML"
        else:
            ok, want = status in (301, 302), "a redirect"
        if not ok:
            wrong.append(f"{entry} {path}: answered {status} {content_type!r}, the list says {want}")
    assert not wrong, "\n".join(wrong)
