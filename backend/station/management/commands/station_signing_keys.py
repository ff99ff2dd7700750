"""Manage the station's Ed25519 signing keys (files in STATION_SIGNING_KEYS_DIR, never in the database)."""

from django.core.management.base import BaseCommand, CommandError

from backend.station.documents.keys import KeyStoreError, key_ensure, key_revoke, key_rotate, keyring_read
from backend.station.documents.services import signing_keys_directory


class Command(BaseCommand):
    help = (
        "rotate: new active key (the old one keeps verifying what it signed); ensure: create one if none; "
        "revoke KID: documents signed with KID stop verifying; list."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rotate", "ensure", "revoke", "list"])
        parser.add_argument("kid", nargs="?")

    def handle(self, *args, action: str, kid: str | None, **options):
        directory = signing_keys_directory()
        try:
            if action == "rotate":
                self.stdout.write(f"Active key: {key_rotate(directory)}")
            elif action == "ensure":
                self.stdout.write(f"Active key: {key_ensure(directory)}")
            elif action == "revoke":
                if not kid:
                    raise CommandError("Say which key: station_signing_keys revoke KID")
                key_revoke(directory, kid)
                self.stdout.write(f"Revoked {kid}")
        except KeyStoreError as error:
            raise CommandError(str(error)) from error
        ring = keyring_read(directory)
        for key_id in sorted(ring.verifying_keys):
            state = "active" if key_id == ring.active_kid else "retired (verifies)"
            self.stdout.write(f"  {key_id}  {state}")
        for key_id in sorted(ring.revoked):
            self.stdout.write(f"  {key_id}  revoked")
