"""Run the outbox relay (see ``backend.alerts.realtime.relay``): ``manage.py relay_events``. Run two for failover."""

import asyncio
import signal

from django.core.management.base import BaseCommand

from backend.alerts.realtime.relay import DEFAULT_RELAY_NAME, Relay


class Command(BaseCommand):
    help = "Deliver the event log to websockets and push. Several may run; one is active at a time."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--name", default=DEFAULT_RELAY_NAME, help="cursor name (one per relay group)")

    def handle(self, *args, **options) -> None:
        asyncio.run(self._run(options["name"]))

    async def _run(self, name: str) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        await Relay(name=name).run(stop)
