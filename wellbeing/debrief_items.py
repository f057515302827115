"""A debrief's open items: what still needs doing after a session, each optionally about one member who came.

They are not kept here: each becomes a follow-up for the group's leaders (care/, through
wellbeing.signals.debrief_added), claimed, closed and reminded like the others. The words are a leader's
own, so they are stored encrypted with the follow-up; a member an item names can read it in their own data
download, which the form says.
"""

from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef

from groups.models import Membership
from members.models import User
from sessions.models import Attendance

MAX_ITEMS = 10
MAX_ITEM_LENGTH = 500
EXTRA_ROWS = 2


@dataclass(frozen=True)
class OpenItem:
    what: str
    member_id: int | None = None


def attendees(session):
    """The members (not the leaders) who came to the session: whom an open item may be about."""
    leads = Membership.objects.active().leaders().filter(group_id=session.group_id, user=OuterRef("pk"))
    came = Attendance.objects.filter(session=session).values("user_id")
    return User.objects.filter(pk__in=came).exclude(Exists(leads)).order_by("display_name", "pk")


def check_items(session, items: list[OpenItem]) -> None:
    """The service's own check (a form is not the only way in): words, length, and who they may be about."""
    if len(items) > MAX_ITEMS:
        raise ValidationError(f"Please add at most {MAX_ITEMS} open items at once.")
    if any(not item.what.strip() for item in items):
        raise ValidationError("Please say what needs doing for each open item.")
    if any(len(item.what) > MAX_ITEM_LENGTH for item in items):
        raise ValidationError(f"Please keep each open item under {MAX_ITEM_LENGTH} characters.")
    named = {item.member_id for item in items if item.member_id is not None}
    if named - set(attendees(session).filter(pk__in=named).values_list("pk", flat=True)):
        raise ValidationError("An open item can be about someone who came to this session only.")


class OpenItemForm(forms.Form):
    what = forms.CharField(
        label="What needs doing",
        max_length=MAX_ITEM_LENGTH,
        strip=True,
        error_messages={"required": "Please say what needs doing, or leave the whole item empty."},
        help_text="e.g. ring someone tomorrow, find out about a local service. It becomes a follow-up.",
    )
    member = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="About (optional)",
        empty_label="Nobody in particular",
        help_text="Someone who came. They can read this item in their own data download.",
    )

    def __init__(self, *args, attendees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = attendees
        self.fields["member"].label_from_instance = lambda user: user.display_name

    def item(self) -> OpenItem:
        member = self.cleaned_data.get("member")
        return OpenItem(self.cleaned_data["what"], member.pk if member else None)


OpenItemFormSet = forms.formset_factory(
    OpenItemForm, extra=EXTRA_ROWS, max_num=MAX_ITEMS, validate_max=True, absolute_max=MAX_ITEMS
)


def item_formset(data, session) -> forms.BaseFormSet:
    """The open items' rows. Posted with `more_items`, one more empty row, keeping everything typed."""
    who = attendees(session)
    if data is not None and "items-TOTAL_FORMS" not in data:
        # Posted without the rows (an older page, a script): a debrief with no open items, not an error.
        data = data.copy()
        data.update({"items-TOTAL_FORMS": "0", "items-INITIAL_FORMS": "0"})
    if data is not None and data.get("more_items"):
        data = data.copy()
        total = int(data.get("items-TOTAL_FORMS") or 0)
        data["items-TOTAL_FORMS"] = str(min(total + 1, MAX_ITEMS))
    return OpenItemFormSet(data, prefix="items", form_kwargs={"attendees": who})


def items_from(formset) -> list[OpenItem]:
    return [form.item() for form in formset if form.has_changed() and form.cleaned_data]
