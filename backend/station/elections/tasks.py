"""The issued excuse, emailed after commit with its PDF attached (STATION.md §1: "the final constancia is emailed")."""

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from ..documents.pdf import document_pdf_bytes
from ..models import VoterExcuse


@shared_task(autoretry_for=(OSError,), retry_backoff=30, max_retries=5, ignore_result=True)
def voter_excuse_issued_email(excuse_id: int) -> None:
    excuse = VoterExcuse.objects.select_related("document", "election").filter(id=excuse_id).first()
    if excuse is None or excuse.document is None:
        return
    document = excuse.document
    context = {
        "excuse": excuse,
        "document": document,
        "document_url": f"{settings.STATION_PUBLIC_URL.rstrip('/')}/comisaria/documentos/{document.folio}/",
    }
    with translation.override(excuse.language):
        subject = render_to_string("station/email/voter_excuse_issued_subject.txt", context).strip()
        body = render_to_string("station/email/voter_excuse_issued.txt", context)
    if document.pdf:
        with document.pdf.open("rb") as handle:
            pdf = handle.read()
    else:
        pdf = document_pdf_bytes(document)
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [excuse.contact_email])
    message.attach(f"{document.folio}.pdf", pdf, "application/pdf")
    message.send()


@shared_task(ignore_result=True)
def voter_excuses_lapse_task() -> int:
    """Hourly (CELERY_BEAT_SCHEDULE): requests nobody confirmed on their election day lapse."""
    from .services import voter_excuses_lapse

    return voter_excuses_lapse()
