from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0004_export_verbose_name"),
    ]

    operations = [
        migrations.RenameField(model_name="report", old_name="version", new_name="head_version"),
        migrations.AlterField(
            model_name="report",
            name="head_version",
            field=models.PositiveIntegerField(default=1, verbose_name="标题区版本"),
        ),
        migrations.AddField(
            model_name="report",
            name="tail_version",
            field=models.PositiveIntegerField(default=1, verbose_name="结尾区版本"),
        ),
    ]
