"""Celery tasks for documents: the PDF, rendered off the request path."""

from celery import shared_task
from django.core.files.base import ContentFile
from django.utils import timezone

from ..models import IssuedDocument
from .pdf import document_pdf_bytes


@shared_task(acks_late=True, ignore_result=True)
def document_pdf_render(document_id: int) -> None:
    """Render and store a document's PDF once; a repeated delivery finds it done and stops."""
    document = IssuedDocument.objects.filter(id=document_id, pdf="").first()
    if document is None:
        return
    data = document_pdf_bytes(document)
    document.pdf.save(f"{document.folio}.pdf", ContentFile(data), save=False)
    updated = IssuedDocument.objects.filter(id=document_id, pdf="").update(
        pdf=document.pdf.name, pdf_rendered_at=timezone.now()
    )
    if not updated:
        document.pdf.storage.delete(document.pdf.name)
