from django.db import migrations, models


class Migration(migrations.Migration):
    """After the fill, in a migration of its own (PostgreSQL: no index changes with pending updates)."""

    dependencies = [
        ("mediation", "0005_dispute_copies_for_the_figures"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="dispute", name="mediation_dispute_figures"),
        migrations.AddIndex(
            model_name="dispute",
            index=models.Index(
                fields=[
                    "grid",
                    "tier",
                    "outcome",
                    "happened_on",
                    "ended_on",
                    "police_status",
                    "performance",
                    "ran_more_than_once",
                    "follow_up_count",
                    "follow_up_done_count",
                ],
                name="mediation_dispute_pass",
            ),
        ),
        migrations.AddIndex(
            model_name="followup",
            index=models.Index(
                condition=models.Q(("done_on__isnull", True)),
                fields=["due"],
                name="mediation_followup_pending",
            ),
        ),
    ]
