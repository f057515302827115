"""On PostgreSQL the database itself refuses UPDATE and DELETE on the audit trail (SQLite: Python only)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION safeguarding_auditevent_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'The audit trail is append-only: % on safeguarding_auditevent is refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS safeguarding_auditevent_append_only ON safeguarding_auditevent;
CREATE TRIGGER safeguarding_auditevent_append_only
    BEFORE UPDATE OR DELETE ON safeguarding_auditevent
    FOR EACH ROW EXECUTE FUNCTION safeguarding_auditevent_refuse_change();
"""

DROP = """
DROP TRIGGER IF EXISTS safeguarding_auditevent_append_only ON safeguarding_auditevent;
DROP FUNCTION IF EXISTS safeguarding_auditevent_refuse_change();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("safeguarding", "0001_audit_event")]

    operations = [migrations.RunPython(create_trigger, drop_trigger, elidable=False)]
