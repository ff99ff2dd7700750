"""The project's URLs plus baselines that benchmarks compare against (never mounted outside bench/).

``bench/minimal-write/``: the least a write path can do: authenticate the token, route the point to its
precinct (one indexed read) and insert one row in a transaction. It is what ``POST /api/alerts/`` is
measured against (BENCHMARKS.md); the table ``bench_minimal_write`` is created by the benchmark.
"""

import json

from django.db import connection, transaction
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions
from rest_framework.request import Request

from backend.accounts.authentication import TokenAuthentication
from backend.config.urls import urlpatterns as project_urlpatterns
from backend.geo.selectors import precinct_for_point

_INSERT = (
    "INSERT INTO bench_minimal_write (user_id, precinct_id, location) "
    "VALUES (%s, %s, ST_SetSRID(ST_MakePoint(%s, %s), 4326)) RETURNING id"
)


@csrf_exempt
def minimal_write(request):
    try:
        user, _ = TokenAuthentication().authenticate(Request(request))
    except (exceptions.AuthenticationFailed, TypeError):
        return JsonResponse({"error": "unauthenticated"}, status=401)
    body = json.loads(request.body)
    match = precinct_for_point(lat=body["lat"], lon=body["lon"])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_INSERT, [user.id, match.precinct_id, body["lon"], body["lat"]])
        row_id = cursor.fetchone()[0]
    return JsonResponse({"id": row_id, "precinct": match.code}, status=201)


urlpatterns = [path("bench/minimal-write/", minimal_write), *project_urlpatterns]
