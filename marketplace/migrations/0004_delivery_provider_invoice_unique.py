"""A fapiao number justifies one delivery per provider (DESIGN.md 6): deliveries carry their
order's provider, backfilled here, and the pair (provider, invoice number) is unique."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("marketplace", "0003_alter_offering_programme_alter_order_programme"),
    ]

    operations = [
        migrations.AddField(
            model_name="delivery",
            name="provider",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.organisation",
            ),
        ),
        migrations.RunSQL(
            "UPDATE marketplace_delivery AS d SET provider_id = o.provider_id "
            "FROM marketplace_order AS o WHERE o.id = d.order_id",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="delivery",
            name="provider",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.organisation",
            ),
        ),
        migrations.AddConstraint(
            model_name="delivery",
            constraint=models.UniqueConstraint(
                fields=("provider", "invoice_number"), name="delivery_invoice_unique_per_provider"
            ),
        ),
    ]
