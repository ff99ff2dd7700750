from django.apps import AppConfig


class StationConfig(AppConfig):
    name = "backend.station"
    label = "station"
    verbose_name = "Comisaría Virtual"

    def ready(self):
        from .tips.privacy import log_filters_install

        log_filters_install()
