from django import forms

from groups.models import GuidelinesVersion, Membership, normalise_newlines


class JoinRequestForm(forms.Form):
    note = forms.CharField(
        label="A note for the group's leaders (optional)",
        help_text="For example, what you hope to find in the group. You don't have to write anything.",
        max_length=Membership._meta.get_field("request_note").max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class DeclineForm(forms.Form):
    message = forms.CharField(
        label="A message to the person (optional)",
        help_text=(
            "We'll include it in a kind email telling them you can't offer a place just now. "
            "Please don't mention other members."
        ),
        max_length=Membership._meta.get_field("decline_message").max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class InvitationForm(forms.Form):
    note = forms.CharField(
        label="Who is it for? (optional)",
        help_text="Only the group's leaders see this, to remember who the link was for.",
        max_length=120,
        required=False,
    )
    days = forms.IntegerField(
        label="How many days the link works for",
        min_value=1,
        max_value=60,
        initial=14,
    )


class GuidelinesForm(forms.ModelForm):
    class Meta:
        model = GuidelinesVersion
        fields = ["principles", "guidelines", "change_summary"]
        labels = {"change_summary": "What has changed?"}
        help_texts = {
            "principles": "One principle per line, as “Name: what it means”.",
            "guidelines": "A heading on its own line, then its paragraph. Leave a blank line between sections.",
            "change_summary": "Members see this when they are asked to read and agree to the guidelines again.",
        }
        widgets = {
            "principles": forms.Textarea(attrs={"rows": 8}),
            "guidelines": forms.Textarea(attrs={"rows": 24}),
        }

    def __init__(self, *args, current: GuidelinesVersion | None = None, **kwargs):
        self.current = current
        if current is not None:
            kwargs.setdefault("initial", {"principles": current.principles, "guidelines": current.guidelines})
        super().__init__(*args, **kwargs)
        self.fields["change_summary"].required = True

    def clean_principles(self) -> str:
        return normalise_newlines(self.cleaned_data["principles"])

    def clean_guidelines(self) -> str:
        return normalise_newlines(self.cleaned_data["guidelines"])

    def clean(self):
        data = super().clean()
        current = self.current
        if current is not None and current.has_same_text(data.get("principles", ""), data.get("guidelines", "")):
            raise forms.ValidationError("Nothing has changed yet. Edit the principles or guidelines, then save.")
        return data


class AgreementForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    agree = forms.BooleanField(
        label="I have read the group's principles and guidelines, and I agree to them.",
        error_messages={"required": "Please tick the box to agree. You can come back to this whenever you're ready."},
    )


class RoomSettingsForm(forms.Form):
    """The leaders' settings for their group's room: the welfare threshold and the chat word list."""

    welfare_threshold_minutes = forms.IntegerField(
        label="Welfare prompt after (minutes)",
        min_value=1,
        max_value=120,
        help_text="When a member has stepped out for longer than this, the leaders get a prompt to check on them.",
    )
    chat_word_list = forms.CharField(
        label="Words held back from the chat",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
        help_text="One word or phrase a line. A chat message using one is not shown to the group: the leaders "
        "see it instead. Spelling tricks are caught too (different case, hyphens or spaces inside, repeated "
        "letters, -s/-ed/-ing endings, digits for letters), but never a longer word that merely contains one.",
    )


class PhraseTestForm(forms.Form):
    phrase = forms.CharField(
        label="Test a phrase",
        max_length=2000,
        help_text="See whether a message would be held back by the list as saved. Nothing you type here is kept.",
    )
