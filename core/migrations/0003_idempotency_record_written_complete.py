"""Idempotency records are now written once, with their response, by the request's own
transaction: the `status` column (in progress or completed) has nothing left to say."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_auditevent_append_only"),
    ]

    operations = [
        # A claim still in progress at deploy time belongs to a request of the old code; it
        # holds no response to replay, so it goes, and that client's retry runs afresh.
        migrations.RunSQL(
            "DELETE FROM core_idempotencykey WHERE response_status IS NULL",
            reverse_sql=migrations.RunSQL.noop,
        ),
        # Unapplied, the column comes back with its old default: every record kept is complete.
        migrations.RunSQL(
            migrations.RunSQL.noop,
            reverse_sql="UPDATE core_idempotencykey SET status = 'completed'",
        ),
        migrations.RemoveField(model_name="idempotencykey", name="status"),
        migrations.AlterField(
            model_name="idempotencykey",
            name="response_status",
            field=models.PositiveSmallIntegerField(),
        ),
    ]
