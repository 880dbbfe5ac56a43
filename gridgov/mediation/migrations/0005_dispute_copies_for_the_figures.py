"""The dispute's copies of what hangs from it (police referral, agreement performance, 最多跑一次), so
the figures count everything in one pass over the dispute index, and the counts of its follow-ups;
filled here for the existing rows, in
SQL, from the records they copy. Derived values: no audit entries (plain historical managers)."""

from typing import Any

from django.db import migrations, models
from django.db.models import Count, Exists, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


def fill(apps: Any, schema_editor: Any) -> None:
    db = schema_editor.connection.alias
    Dispute = apps.get_model("mediation", "Dispute")
    Agreement = apps.get_model("mediation", "Agreement")
    FollowUp = apps.get_model("mediation", "FollowUp")
    Party = apps.get_model("mediation", "Party")
    PoliceReferral = apps.get_model("mediation", "PoliceReferral")
    disputes = Dispute.objects.using(db)
    referrals = PoliceReferral.objects.using(db).filter(dispute_id=OuterRef("pk"))
    disputes.filter(Exists(referrals)).update(police_status="referred")
    disputes.filter(Exists(referrals.filter(answered_at__isnull=False))).update(police_status="answered")
    agreement = Agreement.objects.using(db).filter(dispute_id=OuterRef("pk")).values("performance")[:1]
    disputes.update(performance=Coalesce(Subquery(agreement), Value("")))
    heavy = Party.objects.using(db).filter(dispute_id=OuterRef("pk"), visit_count__gt=1)
    disputes.filter(Exists(heavy)).update(ran_more_than_once=True)
    follow_ups = FollowUp.objects.using(db).filter(agreement__dispute_id=OuterRef("pk")).order_by()
    counted = follow_ups.values("agreement__dispute_id").annotate(n=Count("pk")).values("n")
    done = follow_ups.filter(done_on__isnull=False).values("agreement__dispute_id")
    done = done.annotate(n=Count("pk")).values("n")
    disputes.filter(agreement__isnull=False).update(
        follow_up_count=Coalesce(Subquery(counted), 0), follow_up_done_count=Coalesce(Subquery(done), 0)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("mediation", "0004_dispute_grid_required_and_figures_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="dispute",
            name="performance",
            field=models.CharField(blank=True, editable=False, max_length=20, verbose_name="performance"),
        ),
        migrations.AddField(
            model_name="dispute",
            name="police_status",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "not referred"),
                    ("referred", "referred to the police"),
                    ("answered", "the police answered"),
                ],
                editable=False,
                max_length=10,
                verbose_name="police referral",
            ),
        ),
        migrations.AddField(
            model_name="dispute",
            name="ran_more_than_once",
            field=models.BooleanField(
                default=False, editable=False, verbose_name="a party came more than once (最多跑一次 missed)"
            ),
        ),
        migrations.AddField(
            model_name="dispute",
            name="follow_up_count",
            field=models.PositiveSmallIntegerField(
                default=0, editable=False, verbose_name="follow-up visits scheduled"
            ),
        ),
        migrations.AddField(
            model_name="dispute",
            name="follow_up_done_count",
            field=models.PositiveSmallIntegerField(
                default=0, editable=False, verbose_name="follow-up visits done"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
