"""A designated safeguarding lead signs off a step of a case in the admin with the keyboard alone.

Only Tab, Enter and the arrow keys in a drop-down: no mouse clicks.
"""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from safeguarding import case_services
from safeguarding.casework import DSL_GROUP, SignOff
from tests.browser.keyboard import tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_designated_lead_signs_off_a_step_with_the_keyboard_alone(site, context_for, live_asgi):
    lead = site.cast.trustee
    lead.groups.add(Group.objects.get_or_create(name=DSL_GROUP)[0])
    case_services.request_sign_off(site.concern, actor=lead, step="assessment")
    page = context_for(lead).new_page()
    page.goto(f"{live_asgi.url}/admin/safeguarding/concern/{site.concern.pk}/change/")
    page.locator("html[data-admin-a11y=done]").wait_for(state="attached")

    action = page.locator("select[name='sign_offs-0-action']")
    tab_to(page, action, max_presses=400)
    page.keyboard.press("ArrowDown")  # "Ask for sign-off"
    page.keyboard.press("ArrowDown")  # "Sign off (lead only)"
    expect(action).to_have_value("sign_off")
    save = page.locator("input[name='_continue']")
    tab_to(page, save, max_presses=400)
    page.keyboard.press("Enter")

    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    sign_off = SignOff.objects.get(concern=site.concern, step="assessment")
    assert (sign_off.status, sign_off.signed_off_by_id) == (SignOff.Status.SIGNED_OFF, lead.pk)
