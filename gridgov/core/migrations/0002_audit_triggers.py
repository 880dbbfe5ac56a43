from typing import Any

from django.db import migrations


def create(apps: Any, schema_editor: Any) -> None:
    from gridgov.core.triggers import apply

    apply(schema_editor.connection, create=True)


def drop(apps: Any, schema_editor: Any) -> None:
    from gridgov.core.triggers import apply

    apply(schema_editor.connection, create=False)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
