"""The holder's PDF: the same content as the HTML receipt, as a tagged PDF/UA-1 with its language set."""

from django.template.loader import render_to_string
from django.utils import translation

from ..models import IssuedDocument
from .codes import code_format
from .qr import qr_svg_data_uri, verification_url

PDF_VARIANT = "pdf/ua-1"


def document_context(document: IssuedDocument) -> dict:
    return {
        "document": document,
        "code": code_format(document.code),
        "qr": qr_svg_data_uri(code=document.code, token=document.token),
        "verification_url": verification_url(document.code),
    }


def _weasyprint_html():
    from PIL import ImageFile

    previous = ImageFile.LOAD_TRUNCATED_IMAGES
    from weasyprint import HTML

    # Importing WeasyPrint turns on Pillow's LOAD_TRUNCATED_IMAGES for the whole process. The photo sanitiser
    # (backend/common/photos.py) relies on truncated files failing, and our PDFs embed no bitmap: put it back.
    ImageFile.LOAD_TRUNCATED_IMAGES = previous
    return HTML


def document_pdf_bytes(document: IssuedDocument) -> bytes:
    HTML = _weasyprint_html()  # noqa: N806 - WeasyPrint's class

    with translation.override(document.language):
        html = render_to_string("station/documents/document_pdf.html", document_context(document))
    return HTML(string=html).write_pdf(pdf_variant=PDF_VARIANT)
