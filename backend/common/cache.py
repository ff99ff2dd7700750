"""Django's Redis cache with one connection pool, and one redis-py client, per process.

Two costs of ``django.core.cache.backends.redis`` under ASGI, both paid on every request here:

* ``caches`` keeps its backends in a context-local (asgiref ``Local``), and each ASGI request runs in a context of
  its own, so every request built a new ``RedisCache``, a new connection pool and a new TCP connection to Redis
  (redis-py 8 also reads its own version from the package metadata for each new connection). The pools live
  here, per process, keyed by server and options, so a new backend object reuses them.
* ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` for every cache call, each copying redis-py's table
  of response callbacks. A ``redis.Redis`` is safe to share between threads (each command borrows a connection
  from the pool), so one per pool is what redis-py intends.
"""

import threading

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient

_POOLS: dict[tuple, object] = {}
_CLIENTS: dict[tuple, object] = {}
_LOCK = threading.Lock()


class SharedRedisCacheClient(RedisCacheClient):
    def __init__(self, servers, **options) -> None:
        super().__init__(servers, **options)
        self._key = (tuple(servers), repr(sorted(options.items())))

    def _get_connection_pool(self, write):
        index = self._get_connection_pool_index(write)
        key = (*self._key, index)
        pool = _POOLS.get(key)
        if pool is None:
            with _LOCK:
                pool = _POOLS.get(key)
                if pool is None:
                    pool = _POOLS[key] = self._pool_class.from_url(self._servers[index], **self._pool_options)
        return pool

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client_key = (*self._key, index)
        client = _CLIENTS.get(client_key)
        if client is None:
            client = _CLIENTS[client_key] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = SharedRedisCacheClient
