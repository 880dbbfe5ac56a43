import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """A migration of its own after the fill: PostgreSQL refuses ALTER TABLE on a table with pending
    foreign-key checks from an UPDATE in the same transaction."""

    dependencies = [
        ("geo", "0001_initial"),
        ("mediation", "0003_fill_dispute_grid_and_visit_count"),
    ]

    operations = [
        migrations.AlterField(
            model_name="dispute",
            name="grid",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="disputes",
                to="geo.grid",
                verbose_name="grid",
            ),
        ),
        migrations.AddIndex(
            model_name="dispute",
            index=models.Index(
                fields=["grid", "happened_on", "tier", "outcome", "ended_on"],
                name="mediation_dispute_figures",
            ),
        ),
        migrations.AddIndex(
            model_name="party",
            index=models.Index(
                condition=models.Q(("visit_count__gt", 1)), fields=["dispute"], name="mediation_party_heavy"
            ),
        ),
    ]
