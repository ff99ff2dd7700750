from django.db import migrations

from backend.analytics.catalogue import OFFENSE_TYPES, offense_types_seed


def seed(apps, schema_editor):
    offense_types_seed(apps.get_model("analytics", "OffenseType"), apps.get_model("alerts", "Category"))


def unseed(apps, schema_editor):
    apps.get_model("analytics", "OffenseType").objects.filter(code__in=[row[0] for row in OFFENSE_TYPES]).delete()


class Migration(migrations.Migration):
    dependencies = [("analytics", "0001_initial"), ("alerts", "0002_seed_categories")]
    operations = [migrations.RunPython(seed, unseed)]
