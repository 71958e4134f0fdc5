"""The optimistic-lock counter of every editable row is called ``revision``."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("frameworks", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(
            model_name="frameworkversion", old_name="version", new_name="revision"
        ),
    ]
