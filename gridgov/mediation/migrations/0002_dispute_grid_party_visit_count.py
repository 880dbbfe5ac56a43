import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Nullable first: the existing rows get their values in 0003, and 0004 makes the grid required."""

    dependencies = [
        ("geo", "0001_initial"),
        ("mediation", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="dispute",
            name="grid",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="disputes",
                to="geo.grid",
                verbose_name="grid",
            ),
        ),
        migrations.AddField(
            model_name="party",
            name="visit_count",
            field=models.PositiveSmallIntegerField(
                default=0, editable=False, verbose_name="visits to a centre"
            ),
        ),
    ]
