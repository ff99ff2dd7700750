from django.db.models import QuerySet

from backend.common.errors import NotFound

from ..models import Constancia


def constancias_of(*, citizen) -> QuerySet[Constancia]:
    return Constancia.objects.filter(citizen=citizen).select_related("document").order_by("-created_at")


def constancia_of(*, citizen, folio: str) -> Constancia:
    constancia = constancias_of(citizen=citizen).filter(folio=folio).first()
    if constancia is None:
        raise NotFound("No constancia with this folio among yours.")
    return constancia
