"""Who runs this site: the charity's name and the addresses members are given. One row, made by setup_charity.

A base app: it imports no other app of ours, so every app can read the charity's details.
"""

from django.conf import settings
from django.db import models


class Charity(models.Model):
    name = models.CharField(max_length=120, help_text="As members know it, e.g. in emails.")
    contact_email = models.EmailField(help_text="Where anyone can write with a general question.")
    safeguarding_email = models.EmailField(
        help_text="Who answers safeguarding questions and reviews removals (given to members in emails)."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "charity"
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="charity_single_row")]

    def __str__(self) -> str:
        return self.name


def current_charity() -> Charity | None:
    return Charity.objects.filter(pk=1).first()


def safeguarding_contact() -> str:
    """The address members write to about safeguarding: the charity's, else SAFEGUARDING_CONTACT_EMAIL."""
    charity = current_charity()
    return charity.safeguarding_email if charity else settings.SAFEGUARDING_CONTACT_EMAIL
