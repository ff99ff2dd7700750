"""The project's URLs plus the two baselines the permit benchmark compares against, served by the same server.

``bench/minimal-write/`` (bench/baseline_urls.py): token, one indexed read, one insert — for issuance.
``bench/lookup/<code>/`` (bench/bench_station_urls.py): one indexed lookup — for checkpoint verification.
"""

from baseline_urls import minimal_write
from bench_station_urls import baseline as one_lookup
from django.urls import path

from backend.config.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("bench/minimal-write/", minimal_write),
    path("bench/lookup/<str:code>/", one_lookup),
    *project_urlpatterns,
]
