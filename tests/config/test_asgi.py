"""The ASGI entry point: HTTP runs Django's whole middleware chain in one hop to the worker thread."""

import asyncio
import threading

import pytest
from asgiref.sync import iscoroutinefunction
from asgiref.testing import ApplicationCommunicator
from django.core.cache import cache, caches
from django.http import HttpResponse
from django.urls import path

from backend.config.asgi import application, django_asgi_app

SEEN = {}


def where_am_i(request):
    SEEN["view"] = threading.current_thread()
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("where/", where_am_i)]


def test_the_middleware_chain_is_synchronous():
    assert not iscoroutinefunction(django_asgi_app._middleware_chain)


@pytest.mark.urls(__name__)
def test_a_request_through_the_asgi_application_runs_off_the_event_loop():
    scope = {"type": "http", "method": "GET", "path": "/where/", "raw_path": b"/where/", "query_string": b"",
             "headers": [(b"host", b"testserver")], "client": ("127.0.0.1", 50000), "server": ("testserver", 80),
             "scheme": "http", "http_version": "1.1", "asgi": {"version": "3.0"}}  # fmt: skip

    async def exchange():
        communicator = ApplicationCommunicator(application, scope)
        await communicator.send_input({"type": "http.request", "body": b""})
        start = await communicator.receive_output(5)
        body = await communicator.receive_output(5)
        return threading.current_thread(), start, body

    loop_thread, start, body = asyncio.run(exchange())
    assert (start["status"], body["body"]) == (200, b"ok")
    assert SEEN["view"] is not loop_thread


def test_the_cache_reuses_one_redis_client_and_pool_per_process():
    client = cache._cache
    assert client.get_client() is client.get_client(write=True)
    # a request's new context builds a new backend object (caches is context-local); it shares the pool and client
    fresh = caches.create_connection("default")
    assert fresh._cache.get_client() is client.get_client()
    assert fresh._cache._get_connection_pool(False) is client._get_connection_pool(False)
