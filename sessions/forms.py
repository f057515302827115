from datetime import timedelta

from django import forms
from django.core.validators import URLValidator
from django.utils import timezone

from safeguarding.text import validate_visible
from sessions.services import MAX_SERIES_COUNT, SERIES_EVERY

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class MeetingLinkField(forms.URLField):
    """A video meeting address (Jitsi, Zoom, Teams...): https only, so it is never sent in the clear."""

    default_validators = [URLValidator(schemes=["https"])]
    default_error_messages = {"invalid": "Please enter a secure meeting link, starting https://"}

    def __init__(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        kwargs.setdefault("max_length", 2000)
        kwargs.setdefault(
            "widget", forms.URLInput(attrs={"autocomplete": "off", "spellcheck": "false", "inputmode": "url"})
        )
        super().__init__(**kwargs)


class SessionForm(forms.Form):
    """A session's details. The link is only asked for when scheduling; later it has its own form."""

    topic = forms.CharField(max_length=200, help_text="What the session is about, e.g. 'Sleep and rest'.")
    guest_speaker = forms.CharField(max_length=120, required=False, label="Guest speaker (optional)")
    guest_speaker_about = forms.CharField(
        max_length=300, required=False, label="A line about the guest speaker (optional)"
    )
    starts_at = forms.DateTimeField(label="Starts", widget=DATETIME_WIDGET, help_text="In your own time zone.")
    duration_minutes = forms.IntegerField(
        label="Length in minutes", min_value=15, max_value=480, initial=90, help_text="For example 90."
    )
    chat_enabled = forms.BooleanField(label="Turn on the room's text chat", required=False, initial=True)

    def __init__(self, *args, with_link: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if with_link:
            self.fields["meeting_link"] = MeetingLinkField(
                required=False,
                label="Meeting link (optional)",
                help_text="The video call address. Only members who pass the join page ever see it. "
                "You can add or change it later.",
            )

    def clean_starts_at(self):
        starts_at = self.cleaned_data["starts_at"]
        if starts_at <= timezone.now():
            raise forms.ValidationError("Please choose a time in the future.")
        return starts_at

    @property
    def length(self) -> timedelta:
        return timedelta(minutes=self.cleaned_data["duration_minutes"])

    @property
    def ends_at(self):
        return self.cleaned_data["starts_at"] + self.length

    def session_values(self) -> dict:
        """Keyword arguments for the services, from the cleaned data."""
        data = self.cleaned_data
        values = {
            "topic": data["topic"],
            "guest_speaker": data["guest_speaker"],
            "guest_speaker_about": data["guest_speaker_about"],
            "chat_enabled": data["chat_enabled"],
        }
        if "meeting_link" in self.fields:
            values["meeting_link"] = data["meeting_link"]
        return values

    @classmethod
    def initial_for(cls, session) -> dict:
        return {
            "topic": session.topic,
            "guest_speaker": session.guest_speaker,
            "guest_speaker_about": session.guest_speaker_about,
            "starts_at": timezone.localtime(session.starts_at),
            "duration_minutes": int((session.ends_at - session.starts_at).total_seconds() // 60),
            "chat_enabled": session.chat_enabled,
        }


class SeriesForm(SessionForm):
    every = forms.ChoiceField(
        label="Repeats",
        choices=[(key, key.capitalize()) for key in SERIES_EVERY],
        initial="weekly",
    )
    count = forms.IntegerField(
        label="How many sessions",
        min_value=2,
        max_value=MAX_SERIES_COUNT,
        initial=6,
        help_text=f"Between 2 and {MAX_SERIES_COUNT}. Each one can be changed or cancelled on its own later.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, with_link=True, **kwargs)
        self.fields["starts_at"].label = "First session starts"


class MeetingLinkForm(forms.Form):
    meeting_link = MeetingLinkField(
        label="Meeting link",
        help_text="Saving a new link replaces the old one at once: members only ever see the current link.",
    )


class CancelForm(forms.Form):
    message = forms.CharField(
        label="A note for members (optional)",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Sent with the cancellation email. Please don't include anyone's personal details.",
    )


class CameraOffForm(forms.Form):
    reason = forms.CharField(
        label="Why you'd like to have your camera off",
        max_length=1000,
        validators=[validate_visible],
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="A few words is enough. Only the group's leaders will read this, and it is stored securely.",
    )
    standing = forms.BooleanField(
        label="This is for every session of this group, until I change it",
        required=False,
    )
