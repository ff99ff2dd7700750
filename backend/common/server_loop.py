"""The event loop of the ASGI server running this process, so that sync code can hand it work without waiting.

A sync view runs on a worker thread while the server's loop serves sockets; ``async_to_sync`` would hold
the view's thread until the loop gets round to the coroutine, and under load the loop is busy.
"""

import asyncio

_server_loop: asyncio.AbstractEventLoop | None = None


class RecordServerLoop:
    """ASGI middleware: remembers the loop that serves requests."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        global _server_loop
        _server_loop = asyncio.get_running_loop()
        return await self.app(scope, receive, send)


def server_loop() -> asyncio.AbstractEventLoop | None:
    """The running server loop, or None in a worker, a command, or on that loop's own thread."""
    loop = _server_loop
    if loop is None or loop.is_closed() or not loop.is_running():
        return None
    try:
        if asyncio.get_running_loop() is loop:
            return None
    except RuntimeError:
        pass  # no loop on this thread: the usual case, a sync view's thread
    return loop
