"""Fixtures for the virtual police station: signing keys, a real SMTP server, a local ClaveÚnica.

* ``station_keys``: this run's Ed25519 keys in ``STATION_SIGNING_KEYS_DIR`` (created once per session).
* ``mailbox``: an aiosmtpd server on loopback; Django's SMTP backend sends to it, ``mailbox.messages`` holds
  what arrived (``email.message.EmailMessage`` objects).
* ``claveunica``: the local ClaveÚnica (``backend/station/identity/fake_claveunica.py``) on loopback, with the
  in-process settings pointed at it. ``station_environment`` gives server processes the same.
* ``eager_tasks``: run Celery tasks in the calling process (the SMTP send, the PDF, the analytics sync).
"""

import email
import email.policy
import shutil
import threading
from pathlib import Path

import pytest

from tests.plugins.realtime import free_port


class Mailbox:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's handler naming
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
            self.envelopes.append(envelope)
        return "250 OK"

    def reset(self) -> None:
        with self.lock:
            self.messages.clear()
            self.envelopes.clear()

    def bodies(self) -> list[str]:
        with self.lock:
            return [message.get_content() for message in self.messages]


@pytest.fixture(scope="session")
def _smtp_server():
    import logging

    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)

    handler = Mailbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


@pytest.fixture
def mailbox(_smtp_server, settings) -> Mailbox:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = _smtp_server.port
    _smtp_server.reset()
    return _smtp_server


@pytest.fixture(scope="session", autouse=True)
def station_keys():
    from django.conf import settings

    from backend.station.documents.keys import key_ensure

    directory = Path(settings.STATION_SIGNING_KEYS_DIR)
    key_ensure(directory)
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="session")
def _fake_claveunica():
    from backend.station.identity.fake_claveunica import FakeClaveUnica

    provider = FakeClaveUnica(client_id="vigia-test", client_secret="vigia-test-secret").serve()
    yield provider
    provider.close()


def claveunica_settings(provider) -> dict:
    return {
        "CLAVEUNICA_BASE_URL": provider.url,
        "CLAVEUNICA_ISSUER": provider.issuer,
        "CLAVEUNICA_LOGOUT_URL": f"{provider.url}/api/v1/accounts/app/logout",
        "OIDC_RP_CLIENT_ID": provider.client_id,
        "OIDC_RP_CLIENT_SECRET": provider.client_secret,
        "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{provider.issuer}/authorize/",
        "OIDC_OP_TOKEN_ENDPOINT": f"{provider.issuer}/token/",
        "OIDC_OP_USER_ENDPOINT": f"{provider.issuer}/userinfo/",
        "OIDC_OP_JWKS_ENDPOINT": f"{provider.issuer}/jwks",
    }


@pytest.fixture
def claveunica(_fake_claveunica, settings):
    for name, value in claveunica_settings(_fake_claveunica).items():
        setattr(settings, name, value)
    _fake_claveunica.reset()
    return _fake_claveunica


@pytest.fixture(scope="session")
def station_environment(_fake_claveunica, _smtp_server, station_keys) -> dict[str, str]:
    """Environment for server and worker processes: the same keys, SMTP server and ClaveÚnica as the tests."""
    return {
        "STATION_SIGNING_KEYS_DIR": str(station_keys),
        "EMAIL_PORT": str(_smtp_server.port),
        "CLAVEUNICA_BASE_URL": _fake_claveunica.url,
        "CLAVEUNICA_CLIENT_ID": _fake_claveunica.client_id,
        "CLAVEUNICA_CLIENT_SECRET": _fake_claveunica.client_secret,
    }


@pytest.fixture
def eager_tasks(monkeypatch):
    from backend.config.celery import app

    monkeypatch.setattr(app.conf, "task_always_eager", True)
    monkeypatch.setattr(app.conf, "task_eager_propagates", True)
    # Tasks sent by name run eagerly only when registered here: analytics' sync is one of them.
    import backend.analytics.tasks  # noqa: F401
    import backend.station.documents.tasks  # noqa: F401
    import backend.station.notifications.tasks  # noqa: F401

    return app
