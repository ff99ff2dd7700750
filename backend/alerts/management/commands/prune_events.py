from django.core.management.base import BaseCommand

from backend.alerts.realtime.retention import event_log_prune


class Command(BaseCommand):
    help = "Delete event log rows older than EVENT_LOG_RETENTION_DAYS (or --days)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=int, default=None, help="Override the retention setting.")

    def handle(self, *args, days: int | None = None, **options) -> None:
        deleted = event_log_prune(older_than_days=days)
        self.stdout.write(f"Deleted {deleted} events.")
