from django.db import migrations

from backend.analytics.catalogue import offense_types_seed


def seed(apps, schema_editor):
    # Idempotent: adds aggravated_theft (an online complaint type) and refreshes the other labels.
    offense_types_seed(apps.get_model("analytics", "OffenseType"), apps.get_model("alerts", "Category"))


class Migration(migrations.Migration):
    dependencies = [("analytics", "0005_complaint_folio"), ("alerts", "0002_seed_categories")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
