"""Serve the local ClaveÚnica for the demo (``make demo`` starts it in the background)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand

from backend.station.identity.fake_claveunica import TEST_PEOPLE, FakeClaveUnica


class Command(BaseCommand):
    help = "Serve a local ClaveÚnica (OpenID Connect) with the four sandbox RUNs, for the demo."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8001)

    def handle(self, *args, host: str, port: int, **options):
        provider = FakeClaveUnica(
            client_id=settings.OIDC_RP_CLIENT_ID, client_secret=settings.OIDC_RP_CLIENT_SECRET, host=host, port=port
        ).serve()
        runs = ", ".join(person.display_run for person in TEST_PEOPLE)
        self.stdout.write(f"Local ClaveÚnica at {provider.issuer} (test RUNs: {runs})")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            provider.close()
