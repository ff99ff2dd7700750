"""The filer's email at each status change of their feedback, sent by Celery after commit."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from ..models import FeedbackStatusChange


@shared_task(autoretry_for=(OSError,), retry_backoff=30, max_retries=5, ignore_result=True)
def feedback_status_email(change_id: int) -> None:
    change = FeedbackStatusChange.objects.select_related("feedback").filter(id=change_id).first()
    if change is None or not change.feedback.contact_email:
        return
    feedback = change.feedback
    base = settings.STATION_PUBLIC_URL.rstrip("/")
    context = {
        "feedback": feedback,
        "change": change,
        "status_url": f"{base}/comisaria/reclamos-y-felicitaciones/{feedback.folio}/",
    }
    with translation.override(feedback.language):
        subject = render_to_string("station/email/feedback_status_subject.txt", context).strip()
        body = render_to_string("station/email/feedback_status.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [feedback.contact_email])
