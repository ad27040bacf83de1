from django.db import migrations


class Migration(migrations.Migration):
    """The tables taken over from vouchers get the names of this app."""

    dependencies = [
        ("programmes", "0001_initial"),
        ("vouchers", "0002_alter_voucher_pool_alter_voucher_programme_and_more"),
    ]

    operations = [
        migrations.AlterModelTable(name="programme", table=None),
        migrations.AlterModelTable(name="budgetpool", table=None),
    ]
