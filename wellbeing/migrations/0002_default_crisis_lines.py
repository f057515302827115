"""England's crisis lines as the defaults (see docs/architecture.md, "Care"); trustees change them in the admin."""

from django.db import migrations

DEFAULT_LINES = [
    {"name": "Emergency: 999", "when_to_use": "If your life or someone else's is in danger right now.",
     "kind": "call", "number": "999", "position": 10},
    {"name": "NHS 111, mental health option", "when_to_use": "Urgent mental-health help, any age, 24 hours a day.",
     "kind": "call", "number": "111", "then": "choose option 2", "position": 20},
    {"name": "Samaritans", "when_to_use": "Someone to talk to, free, any time, day or night.",
     "kind": "call", "number": "116 123", "position": 30},
    {"name": "Shout", "when_to_use": "If you'd rather text: free, confidential, 24 hours a day.",
     "kind": "text", "number": "85258", "text_message": "SHOUT", "position": 40},
]


def add_defaults(apps, schema_editor):
    CrisisLine = apps.get_model("wellbeing", "CrisisLine")
    if not CrisisLine.objects.exists():
        CrisisLine.objects.bulk_create(CrisisLine(**line) for line in DEFAULT_LINES)


class Migration(migrations.Migration):
    dependencies = [("wellbeing", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
