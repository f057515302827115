from django import forms

from members.models import User


class SignupDetailsForm(forms.Form):
    """Extra fields on allauth's sign-up form: how the person wants to be known."""

    display_name = forms.CharField(
        max_length=60,
        label="Display name",
        help_text="How others in your groups will see you. A first name or a chosen name is fine.",
    )
    pronouns = forms.CharField(max_length=30, required=False, label="Pronouns (optional)")

    def signup(self, request, user) -> None:
        user.display_name = self.cleaned_data["display_name"].strip()
        user.pronouns = self.cleaned_data["pronouns"].strip()
        user.save(update_fields=["display_name", "pronouns"])


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "pronouns", "time_zone", "email_reminders"]
