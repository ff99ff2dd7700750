from django.apps import AppConfig


class StationConfig(AppConfig):
    name = "backend.station"
    label = "station"
    verbose_name = "Comisaría Virtual"
