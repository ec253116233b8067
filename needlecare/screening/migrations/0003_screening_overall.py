from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("screening", "0002_screening_details"),
    ]

    operations = [
        migrations.RenameField(model_name="screening", old_name="decision", new_name="overall"),
    ]
