from django import forms

from wellbeing.models import SAFETY_PLAN_SECTIONS
from wellbeing.services import MAX_SECTION_LENGTH


class SafetyPlanForm(forms.Form):
    """The seven sections, each optional, and which groups' leaders may read the plan."""

    shared_groups = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Share my plan with the leaders of",
        help_text="Leaders can read it only while you share it, and each time they do it is recorded. "
        "You can stop sharing at any time.",
    )

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        for name, title, help_text in SAFETY_PLAN_SECTIONS:
            self.fields[name] = forms.CharField(
                label=title,
                help_text=help_text,
                required=False,
                max_length=MAX_SECTION_LENGTH,
                strip=True,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        self.fields["shared_groups"].queryset = groups
        self.order_fields([name for name, _, _ in SAFETY_PLAN_SECTIONS] + ["shared_groups"])
        if not groups.exists():
            del self.fields["shared_groups"]

    def sections(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name, _, _ in SAFETY_PLAN_SECTIONS}

    def groups(self):
        return self.cleaned_data.get("shared_groups") or []


class DebriefForm(forms.Form):
    how_it_went = forms.CharField(
        label="How did the session go?",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What happened, what went well, anything that was hard.",
    )
    carry_forward = forms.CharField(
        label="What to carry forward",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="A topic to come back to next time. Something someone needs to do? Add it as an open item "
        "below, so it becomes a follow-up.",
    )
    how_we_are = forms.CharField(
        label="How are you, and your co-leaders?",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="It's fine to say it was a lot. The other leaders of the group will read this.",
    )
