from django.urls import path

from .apis import (
    TipAnswerApi,
    TipAttachmentApi,
    TipForwardApi,
    TipMailboxApi,
    TipOfficerMessageApi,
    TipPlaceApi,
    TipQueueApi,
    TipReviewDetailApi,
    TipSendApi,
    TipTriageApi,
)

# The public paths (the first three) are the ones privacy.PUBLIC_TIP_PATH names: keep the two in step.
urlpatterns = [
    path("", TipSendApi.as_view(), name="tips"),
    path("mailbox/", TipMailboxApi.as_view(), name="tip-mailbox"),
    path("mailbox/answer/", TipAnswerApi.as_view(), name="tip-answer"),
    path("review/", TipQueueApi.as_view(), name="tip-queue"),
    path("review/<str:reference>/", TipReviewDetailApi.as_view(), name="tip-review"),
    path("review/<str:reference>/triage/", TipTriageApi.as_view(), name="tip-triage"),
    path("review/<str:reference>/messages/", TipOfficerMessageApi.as_view(), name="tip-message"),
    path("review/<str:reference>/place/", TipPlaceApi.as_view(), name="tip-place"),
    path("review/<str:reference>/forward/", TipForwardApi.as_view(), name="tip-forward"),
    path("review/<str:reference>/attachments/<int:attachment_id>/", TipAttachmentApi.as_view(), name="tip-attachment"),
]
