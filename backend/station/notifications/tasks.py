"""Emails to citizens, sent by Celery after commit: each complaint status change, and each constancia issued.

People who signed in with ClaveÚnica have no email from it; the forms ask for one, and a person who gave
none gets no email (the status page still shows every change).
"""

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from ..models import ComplaintStatusChange, Constancia

logger = logging.getLogger(__name__)


def _send(*, to: str, language: str, template: str, context: dict) -> None:
    with translation.override(language):
        subject = render_to_string(f"station/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"station/email/{template}.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])


@shared_task(autoretry_for=(OSError,), retry_backoff=30, max_retries=5, ignore_result=True)
def complaint_status_email(change_id: int) -> None:
    change = ComplaintStatusChange.objects.select_related("complaint__document").filter(id=change_id).first()
    if change is None or not change.complaint.contact_email:
        return
    complaint = change.complaint
    _send(
        to=complaint.contact_email,
        language=complaint.document.language,
        template="complaint_status",
        context={
            "complaint": complaint,
            "change": change,
            "status_url": f"{settings.STATION_PUBLIC_URL.rstrip('/')}/comisaria/documentos/{complaint.folio}/",
        },
    )


@shared_task(autoretry_for=(OSError,), retry_backoff=30, max_retries=5, ignore_result=True)
def constancia_issued_email(constancia_id: int) -> None:
    constancia = Constancia.objects.select_related("document").filter(id=constancia_id).first()
    if constancia is None or not constancia.contact_email:
        return
    _send(
        to=constancia.contact_email,
        language=constancia.document.language,
        template="constancia_issued",
        context={
            "constancia": constancia,
            "document_url": f"{settings.STATION_PUBLIC_URL.rstrip('/')}/comisaria/documentos/{constancia.folio}/",
        },
    )
