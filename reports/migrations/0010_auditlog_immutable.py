"""The audit log cannot be rewritten, not even by SQL against the database (PostgreSQL only).

- UPDATE is refused, except emptying the row's link to a report or user that is being deleted
  (Django's on_delete=SET_NULL for report purges and user deletions): the row keeps the names, ids
  and summary it recorded, so nothing of the record is lost.
- DELETE is refused at commit unless the row's bureau was deleted in the same transaction (deleting
  a whole bureau takes its audit log with it: Django's on_delete=CASCADE).
- TRUNCATE (Django's flush between transactional tests) is a table-level privilege, not a row change:
  production should grant the application's role no TRUNCATE on reports_auditlog.

A later migration that must fill a new column of existing rows runs
`ALTER TABLE reports_auditlog DISABLE TRIGGER reports_auditlog_no_update` around its UPDATE.
SQLite (development without DATABASE_URL) gets no trigger.
"""

from django.db import migrations

FORWARD = [
    """
    CREATE OR REPLACE FUNCTION reports_auditlog_refuse_update() RETURNS trigger AS $$
    BEGIN
        IF (to_jsonb(NEW) - 'report_id' - 'actor_id') = (to_jsonb(OLD) - 'report_id' - 'actor_id')
           AND (NEW.report_id IS NULL OR NEW.report_id = OLD.report_id)
           AND (NEW.actor_id IS NULL OR NEW.actor_id = OLD.actor_id) THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION '操作记录不可修改（reports_auditlog id=%）', OLD.id;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER reports_auditlog_no_update BEFORE UPDATE ON reports_auditlog
    FOR EACH ROW EXECUTE FUNCTION reports_auditlog_refuse_update()
    """,
    """
    CREATE OR REPLACE FUNCTION reports_auditlog_refuse_delete() RETURNS trigger AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM reports_bureau WHERE id = OLD.bureau_id) THEN
            RAISE EXCEPTION '操作记录不可删除（reports_auditlog id=%）', OLD.id;
        END IF;
        RETURN NULL;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE CONSTRAINT TRIGGER reports_auditlog_no_delete AFTER DELETE ON reports_auditlog
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION reports_auditlog_refuse_delete()
    """,
]

BACKWARD = [
    "DROP TRIGGER IF EXISTS reports_auditlog_no_delete ON reports_auditlog",
    "DROP TRIGGER IF EXISTS reports_auditlog_no_update ON reports_auditlog",
    "DROP FUNCTION IF EXISTS reports_auditlog_refuse_delete()",
    "DROP FUNCTION IF EXISTS reports_auditlog_refuse_update()",
]


def _run_on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement, params=None)  # no placeholders: RAISE uses %

    return run


class Migration(migrations.Migration):
    dependencies = [("reports", "0009_audit_actor_names_and_export_heartbeat")]

    operations = [migrations.RunPython(_run_on_postgresql(FORWARD), _run_on_postgresql(BACKWARD))]
