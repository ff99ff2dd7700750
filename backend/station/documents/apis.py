"""Verification (public, throttled per IP), the published keys, and a holder's own documents."""

from django.http import FileResponse
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.common.errors import NotFound

from ..models import IssuedDocument
from ..permissions import VerificationThrottle
from .selectors import document_verify, document_verify_token, documents_of, keyring_current
from .serializers import HolderDocumentSerializer, TokenVerifySerializer, VerificationSerializer
from .services import document_pdf_request

ERROR_NO_DOCUMENT = gettext_lazy("No document with this folio among yours.")
MESSAGE_PDF_PENDING = "The PDF is being prepared. Try again in a few seconds."


class DocumentVerifyApi(APIView):
    """Check a typed code (and, with ``t``, the token from the QR). Always 200: the status says what is wrong."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [VerificationThrottle]

    @extend_schema(
        operation_id="station_verify_code",
        parameters=[OpenApiParameter("t", str, description="The signed token from the QR code.", required=False)],
        responses=VerificationSerializer,
    )
    def get(self, request, code: str):
        verification = document_verify(code_text=code, token=request.query_params.get("t"))
        return Response(VerificationSerializer(verification).data)


class TokenVerifyApi(APIView):
    """Check a token read from a QR code, without its typed code."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [VerificationThrottle]

    @extend_schema(operation_id="station_verify_token", request=TokenVerifySerializer, responses=VerificationSerializer)
    def post(self, request):
        serializer = TokenVerifySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(VerificationSerializer(document_verify_token(token=serializer.validated_data["token"])).data)


class SigningKeysApi(APIView):
    """The published Ed25519 keys (JWKS) for offline verification; revoked keys carry ``"revoked": true``."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(operation_id="station_signing_keys", responses=OpenApiTypes.OBJECT)
    def get(self, request):
        response = Response(keyring_current().jwks())
        response["Cache-Control"] = "public, max-age=300"
        return response


class MyDocumentListApi(APIView):
    @extend_schema(operation_id="station_documents_mine", responses=HolderDocumentSerializer(many=True))
    def get(self, request):
        return Response(HolderDocumentSerializer(documents_of(owner=request.user), many=True).data)


def _mine(request, folio: str) -> IssuedDocument:
    document = IssuedDocument.objects.filter(owner=request.user, folio=folio).first()
    if document is None:
        raise NotFound(ERROR_NO_DOCUMENT)
    return document


class MyDocumentDetailApi(APIView):
    @extend_schema(operation_id="station_document_mine", responses=HolderDocumentSerializer)
    def get(self, request, folio: str):
        return Response(HolderDocumentSerializer(_mine(request, folio)).data)


class MyDocumentPdfApi(APIView):
    """The tagged PDF; 202 while the worker is still rendering it (usually well under two seconds)."""

    @extend_schema(
        operation_id="station_document_pdf",
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, 202: OpenApiTypes.OBJECT},
    )
    def get(self, request, folio: str):
        document = _mine(request, folio)
        if not document.pdf:
            document_pdf_request(document=document)
            response = Response({"status": "pending", "message": MESSAGE_PDF_PENDING}, status=status.HTTP_202_ACCEPTED)
            response["Retry-After"] = "2"
            return response
        return FileResponse(
            document.pdf.open("rb"), content_type="application/pdf", as_attachment=True, filename=f"{folio}.pdf"
        )
