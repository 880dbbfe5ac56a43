"""Fills the two copies added in 0002 for the rows that exist: each dispute's grid from its case, each
party's visit count from its visits. One UPDATE each, in SQL. Derived values, so no audit entries (the
historical models use plain managers); the records they come from are on the trail already."""

from typing import Any

from django.db import migrations
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce


def fill(apps: Any, schema_editor: Any) -> None:
    Case = apps.get_model("cases", "Case")
    Dispute = apps.get_model("mediation", "Dispute")
    Party = apps.get_model("mediation", "Party")
    Visit = apps.get_model("mediation", "Visit")
    db = schema_editor.connection.alias
    grid = Case.objects.using(db).filter(pk=OuterRef("case_id")).values("grid_id")[:1]
    Dispute.objects.using(db).update(grid_id=Subquery(grid))
    visits = (
        Visit.objects.using(db)
        .filter(party_id=OuterRef("pk"))
        .order_by()
        .values("party_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Party.objects.using(db).update(visit_count=Coalesce(Subquery(visits), 0))


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        ("mediation", "0002_dispute_grid_party_visit_count"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
