"""The trustees' case list on a laptop beside the admin's filters, and on a phone (safeguarding/triage.py)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from safeguarding import services
from safeguarding.models import Concern

URL = reverse("admin:safeguarding_concern_changelist")


def make_case(cast, risk, *, hours_ago):
    concern = services.raise_concern(
        raised_by=cast.member, group=cast.group, category="risk_to_adult", risk_level=risk, details="Worried."
    )
    Concern.objects.filter(pk=concern.pk).update(created_at=timezone.now() - timedelta(hours=hours_ago))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 375, 320])
def test_the_case_list_fits_the_screen(width, site, context_for, live_asgi):
    for risk in ("immediate", "high", "medium", "low"):
        make_case(site.cast, risk, hours_ago=50)
    page = context_for(site.cast.trustee, width=width).new_page()
    page.goto(f"{live_asgi.url}{URL}")
    expect(page.locator("#result_list")).to_be_visible()

    # Every shown column header, and the table itself, ends inside the window: no sideways scroll hides one.
    columns = page.locator("#result_list thead th").evaluate_all(
        "ths => ths.filter(th => th.offsetParent).map(th => [th.textContent, th.getBoundingClientRect().right])"
    )
    off_screen = [name for name, right in columns if right > width]
    assert not off_screen, f"columns off screen at {width}px: {off_screen}"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # Nor does the table scroll inside its own box (Django's .results), hiding the last columns.
    hidden = page.evaluate(
        "(() => { const box = document.querySelector('#changelist .results');"
        " return box.scrollWidth - box.clientWidth; })()"
    )
    assert hidden <= 1, f"{hidden}px of the table scroll out of sight at {width}px"
    shown = [" ".join(name.split()).lower().lstrip("0123456789 ") for name, _ in columns]  # less sort numbers
    wanted = ["case", "risk", "status", "waiting"] + (
        ["category", "group", "assigned to", "raised"] if width > 800 else []
    )
    assert [name for name in wanted if name not in shown] == []
