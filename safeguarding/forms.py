from django import forms
from django.utils import timezone

from groups.models import Membership
from safeguarding.models import Concern, ContactDetails, Removal
from safeguarding.text import validate_visible


def posted(request):
    """The POST data for a bound form (even when empty, so an empty submission shows its errors)."""
    return request.POST if request.method == "POST" else None


class ContactDetailsForm(forms.Form):
    phone = forms.CharField(
        label="Your phone number",
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    emergency_contact_name = forms.CharField(
        label="Someone we could contact in an emergency: their name",
        required=False,
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    emergency_contact_phone = forms.CharField(
        label="Their phone number",
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    address = forms.CharField(
        label="Your address",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
    )
    notes = forms.CharField(
        label="Anything else we should know",
        required=False,
        max_length=1000,
        help_text="For example, the best time to call, or a name you'd like us to use.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    consent = forms.BooleanField(
        label=(
            "I agree to Peer Support keeping these details securely, to be used only if the safeguarding "
            "leads or my group's leaders are worried about my safety or someone else's."
        ),
        required=True,
        error_messages={"required": "Please tick the box to say you agree to us keeping these details."},
    )

    def clean(self):
        cleaned = super().clean()
        fields = [name for name in self.fields if name != "consent"]
        if not any((cleaned.get(name) or "").strip() for name in fields):
            raise forms.ValidationError("Please fill in at least one detail (or withdraw them below).")
        return cleaned

    @classmethod
    def initial_from(cls, contact: ContactDetails | None) -> dict:
        if contact is None:
            return {}
        fields = ["phone", "emergency_contact_name", "emergency_contact_phone", "address", "notes"]
        return {name: getattr(contact, name) for name in fields}


class RevealForm(forms.Form):
    reason = forms.CharField(
        label="Why do you need to see these details?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The member will see who looked, when, and this reason, on their account page.",
        error_messages={"required": "Please write why you need to see these details."},
        validators=[validate_visible],
    )


class ConcernForm(forms.Form):
    about = forms.ChoiceField(
        label="Who is the concern about?", choices=Concern.About.choices, widget=forms.RadioSelect
    )
    about_name = forms.CharField(
        label="If it is about another member: their name as it shows in the group (optional)",
        required=False,
        max_length=60,
    )
    category = forms.ChoiceField(
        label="What is it about?",
        choices=[("", "Please choose"), *Concern.Category.choices],
        error_messages={"required": "Please choose what the concern is about."},
    )
    risk_level = forms.ChoiceField(
        label="How urgent does it feel?",
        choices=Concern.RiskLevel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Please choose how urgent it feels."},
    )
    happened_at = forms.DateTimeField(
        label="When did it happen? (optional)",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="If it was not just now. Leave it empty if you are not sure.",
    )
    details = forms.CharField(
        label="What is worrying you?",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text=(
            "Only the group's leaders (and, if needed, the charity's safeguarding leads) will read this; "
            "only the safeguarding leads if you choose that below or it is about a leader."
        ),
        error_messages={"required": "Please write what is worrying you."},
    )

    def __init__(self, *args, group, is_leader: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.group = group
        self.is_leader = is_leader
        if is_leader:
            # Leaders see the member list anyway; members never do (names are only visible in the room).
            del self.fields["about_name"]
            members = Membership.objects.filter(group=group, status__in=["active", "suspended", "removed"])
            self.fields["about_user"] = forms.ModelChoiceField(
                label="If it is about a member: who?",
                queryset=members.select_related("user").order_by("user__display_name"),
                required=False,
                empty_label="Choose a member",
            )
            self.fields["about_user"].label_from_instance = lambda m: m.user.display_name
            self.fields["to_trustees"] = forms.BooleanField(
                label="Raise this directly with the charity's safeguarding leads (not with the other leaders)",
                required=False,
            )
            self.order_fields(
                ["about", "about_user", "category", "risk_level", "happened_at", "details", "to_trustees"]
            )
        else:
            # The leaders' names are on the group page already; a member may say which one it is about.
            leaders = Membership.objects.active().leaders().filter(group=group)
            self.fields["about_leader"] = forms.ModelChoiceField(
                label="If it is about a leader: who? (optional)",
                queryset=leaders.select_related("user").order_by("user__display_name"),
                required=False,
                empty_label="Choose a leader",
                help_text="A concern about a leader goes only to the charity's safeguarding leads.",
            )
            self.fields["about_leader"].label_from_instance = lambda m: m.user.display_name
            self.fields["to_trustees"] = forms.BooleanField(
                label=(
                    "Send this only to the charity's safeguarding leads: the group's leaders will not see it "
                    "or be told about it"
                ),
                required=False,
            )
            self.order_fields(
                [
                    "about",
                    "about_name",
                    "about_leader",
                    "category",
                    "risk_level",
                    "happened_at",
                    "details",
                    "to_trustees",
                ]
            )

    def clean(self):
        cleaned = super().clean()
        if self.is_leader and cleaned.get("about") == Concern.About.MEMBER and not cleaned.get("about_user"):
            self.add_error("about_user", "Please choose the member the concern is about.")
        return cleaned

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        details = data["details"].strip()
        about_user = None
        if data["about"] in (Concern.About.MEMBER, Concern.About.LEADER):
            if self.is_leader and data.get("about_user"):
                about_user = data["about_user"].user
            elif not self.is_leader and data.get("about_leader"):
                about_user = data["about_leader"].user
            elif data.get("about_name", "").strip():
                details = f"About: {data['about_name'].strip()}\n\n{details}"
        if data.get("about_leader") and data["about"] != Concern.About.LEADER:
            data["about"] = Concern.About.LEADER  # naming a leader makes it a concern about a leader
            about_user = data["about_leader"].user
        return {
            "category": data["category"],
            "risk_level": data["risk_level"],
            "details": details,
            "about": data["about"],
            "about_user": about_user,
            "to_trustees": bool(data.get("to_trustees")),
            "happened_at": data.get("happened_at"),
        }


class ConcernStatusForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=Concern.Status.choices)
    reason = forms.CharField(
        label="Why it can be closed (needed to close it)",
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RemovalForm(forms.Form):
    kind = forms.ChoiceField(
        label="How long for?",
        choices=[(Removal.Kind.TEMPORARY, "For a while, until a date"), (Removal.Kind.PERMANENT, "Permanently")],
        widget=forms.RadioSelect,
    )
    until = forms.DateTimeField(
        label="Until (for a temporary removal)",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Their place opens again by itself at this time, and they are told by email.",
    )
    reasons = forms.MultipleChoiceField(
        label="Reasons",
        choices=Removal.Reason.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Please choose at least one reason."},
    )
    one_to_one_held = forms.BooleanField(label="We had a 1-1 conversation about this", required=False)
    one_to_one_at = forms.DateTimeField(
        label="When the 1-1 conversation took place (optional)",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    note = forms.CharField(
        label="Notes for the safeguarding leads (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Kept securely. The member is not sent these notes.",
    )

    def clean(self):
        cleaned = super().clean()
        kind, until = cleaned.get("kind"), cleaned.get("until")
        if kind == Removal.Kind.TEMPORARY:
            if until is None:
                self.add_error("until", "Please choose when the removal ends.")
            elif until <= timezone.now():
                self.add_error("until", "Please choose a time in the future.")
        elif until is not None:
            cleaned["until"] = None  # a permanent removal has no end
        if cleaned.get("one_to_one_at") and not cleaned.get("one_to_one_held"):
            self.add_error("one_to_one_at", "Only give a time if a 1-1 conversation took place.")
        return cleaned


class ReinstateForm(forms.Form):
    note = forms.CharField(
        label="A note for the record (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
