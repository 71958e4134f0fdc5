"""The optimistic-lock counter of every editable row is called ``revision``."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(model_name="campaign", old_name="version", new_name="revision"),
        migrations.RenameField(model_name="rankinggroup", old_name="version", new_name="revision"),
        migrations.RenameField(model_name="assessedunit", old_name="version", new_name="revision"),
        migrations.RenameField(model_name="phase", old_name="version", new_name="revision"),
        migrations.RenameField(model_name="plantask", old_name="version", new_name="revision"),
    ]
