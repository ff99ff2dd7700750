"""The project's URLs plus the baseline: a minimal Django view that makes one indexed lookup."""

from django.http import JsonResponse
from django.urls import path

from backend.config.urls import urlpatterns as project_urlpatterns
from backend.station.models import IssuedDocument


def baseline(request, code: str):
    found = IssuedDocument.objects.filter(code=code).values_list("id", flat=True).first()
    return JsonResponse({"found": found is not None})


urlpatterns = [path("bench/lookup/<str:code>/", baseline), *project_urlpatterns]
