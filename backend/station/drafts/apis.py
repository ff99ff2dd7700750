from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from .services import draft_discard, draft_get, draft_save


class DraftSerializer(serializers.Serializer):
    data = serializers.DictField()
    submission_key = serializers.UUIDField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


class DraftApi(APIView):
    """A form's saved answers (save and resume); ``form`` is e.g. ``complaint:fraud``, ``constancia:lost_documents``."""

    @extend_schema(operation_id="station_draft_get", responses=DraftSerializer)
    def get(self, request, form: str):
        return Response(DraftSerializer(draft_get(user=request.user, form=form)).data)

    @extend_schema(operation_id="station_draft_save", request=DraftSerializer, responses=DraftSerializer)
    def put(self, request, form: str):
        serializer = DraftSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        draft = draft_save(user=request.user, form=form, data=serializer.validated_data["data"])
        return Response(DraftSerializer(draft).data)

    @extend_schema(operation_id="station_draft_discard", responses={204: OpenApiTypes.NONE})
    def delete(self, request, form: str):
        draft_discard(user=request.user, form=form)
        return Response(status=status.HTTP_204_NO_CONTENT)
