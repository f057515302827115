from django import forms


class EraseAccountForm(forms.Form):
    """Erasing cannot be undone: the person confirms with their password and a tick."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Please enter your password to confirm it's you."},
    )
    understood = forms.BooleanField(
        label="I understand that my account and my data will be erased, and that this can't be undone.",
        error_messages={"required": "Please tick the box to confirm."},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That password doesn't match. Please try again.")
        return password
