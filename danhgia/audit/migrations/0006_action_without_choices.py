from django.db import migrations, models


class Migration(migrations.Migration):
    """The action's labels stay in the code (audit.models.Action): new actions need no migration."""

    dependencies = [
        ("audit", "0005_attachment_downloaded"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.PositiveSmallIntegerField(verbose_name="Hành động"),
        ),
    ]
