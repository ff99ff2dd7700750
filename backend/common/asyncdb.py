"""Database calls from async code (websocket consumers) that never wait behind sync views."""

from collections.abc import Callable

from channels.db import database_sync_to_async


def database_read(function: Callable) -> Callable:
    """``database_sync_to_async`` on the event loop's worker threads instead of the one thread that all sync
    views of the process share: a socket's replay or gap check must not queue behind HTTP requests under load.
    Each call is self-contained (its own connection from the pool, closed afterwards), so use it for reads."""
    return database_sync_to_async(function, thread_sensitive=False)
