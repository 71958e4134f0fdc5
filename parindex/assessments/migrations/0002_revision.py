"""The optimistic-lock counter of every editable row is called ``revision``."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(model_name="assessment", old_name="version", new_name="revision"),
        migrations.RenameField(model_name="entry", old_name="version", new_name="revision"),
    ]
