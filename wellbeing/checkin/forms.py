"""The check-in form: four optional 0-10 answers (radio buttons), and the two switches."""

from django import forms

from wellbeing.checkin.questions import QUESTIONS

CHOICES = [(n, str(n)) for n in range(11)]
OUT_OF_RANGE = "Please choose a number from 0 to 10, or leave this question out."


class CheckInForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, question in QUESTIONS:
            self.fields[f"q_{key}"] = forms.TypedChoiceField(
                label=question,
                choices=CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect(attrs={"class": "scale"}),
                error_messages={"invalid_choice": OUT_OF_RANGE},
            )

    def questions(self):
        return [self[f"q_{key}"] for key, _ in QUESTIONS]

    def scores(self) -> dict[str, int | None]:
        return {key: self.cleaned_data.get(f"q_{key}") for key, _ in QUESTIONS}

    def clean(self):
        cleaned = super().clean()
        if not self.errors and all(value is None for value in self.scores().values()):
            raise forms.ValidationError("Please answer at least one question, or choose “Skip this month”.")
        return cleaned


class SwitchForm(forms.Form):
    asks = forms.BooleanField(required=False)
