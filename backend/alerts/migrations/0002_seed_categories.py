from django.db import migrations

from backend.alerts.catalogue import CATEGORIES, categories_seed


def seed(apps, schema_editor):
    categories_seed(apps.get_model("alerts", "Category"))


def unseed(apps, schema_editor):
    apps.get_model("alerts", "Category").objects.filter(code__in=[row[0] for row in CATEGORIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("alerts", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
