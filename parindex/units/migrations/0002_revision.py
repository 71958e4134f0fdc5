"""The optimistic-lock counter of every editable row is called ``revision``."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("units", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(model_name="unit", old_name="version", new_name="revision"),
    ]
