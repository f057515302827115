"""The audit trail and the task outbox, moved here from safeguarding and peersupport (issue 14): state only.

The tables exist already (safeguarding/migrations/0001 and peersupport/migrations/0001 created them, under the
names kept by db_table), so the database is not touched: the append-only trigger and the hash chain stay as
they are. The leaving apps' migrations (safeguarding 0009, peersupport 0002) drop the models from their state.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        # The tables are created by these before core takes the models over.
        ("safeguarding", "0002_audit_event_append_only_trigger"),
        ("peersupport", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="AuditEvent",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                        ),
                        ("created_at", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                        ("actor_label", models.CharField(max_length=100)),
                        ("action", models.CharField(db_index=True, max_length=100)),
                        ("subject_id", models.CharField(blank=True, max_length=64)),
                        ("subject_label", models.CharField(blank=True, max_length=200)),
                        ("data", models.JSONField(blank=True, default=dict)),
                        ("prev_hash", models.CharField(max_length=64)),
                        ("hash", models.CharField(max_length=64, unique=True)),
                        (
                            "actor",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "subject_type",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="contenttypes.contenttype",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "safeguarding_auditevent",
                        "ordering": ["-id"],
                        "indexes": [
                            models.Index(fields=["subject_type", "subject_id"], name="safeguardin_subject_4757c7_idx")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="TaskOutbox",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                        ),
                        ("task_name", models.CharField(max_length=200)),
                        ("args", models.JSONField(default=list)),
                        ("kwargs", models.JSONField(default=dict)),
                        (
                            "error",
                            models.CharField(
                                blank=True, help_text="The kind of error, never its message.", max_length=100
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                    ],
                    options={
                        "db_table": "peersupport_taskoutbox",
                        "verbose_name": "task waiting for the broker",
                        "verbose_name_plural": "tasks waiting for the broker",
                        "ordering": ["pk"],
                    },
                ),
            ],
        ),
    ]
