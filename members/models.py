import zoneinfo

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone

TIMEZONE_CHOICES = [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones()) if "/" in name]


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        email = self.normalize_email(email)
        extra.setdefault("display_name", email.split("@")[0])
        user = self.model(email=email, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person using the app. Many members use a first name or a pseudonym as their display name."""

    email = models.EmailField("email address", unique=True)
    display_name = models.CharField(
        max_length=60, help_text="How others in your groups see you. A first name or a chosen name is fine."
    )
    pronouns = models.CharField(max_length=30, blank=True, help_text="Optional, for example she/her or they/them.")
    time_zone = models.CharField(max_length=64, choices=TIMEZONE_CHOICES, default="Europe/London")
    email_reminders = models.BooleanField(
        "email me session reminders",
        default=True,
        help_text="A reminder 24 hours and 1 hour before each session: topic and time only, never the link.",
    )
    unread_messages = models.PositiveIntegerField(
        default=0, editable=False, help_text="Conversation messages not read yet (care/): shown in the navigation."
    )
    is_staff = models.BooleanField(default=False, help_text="Can sign in to the trustees' admin.")
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        ordering = ["display_name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def name_with_pronouns(self) -> str:
        return f"{self.display_name} ({self.pronouns})" if self.pronouns else self.display_name

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name
