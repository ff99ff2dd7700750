from django.urls import path

from .apis import FeedbackActionApi, FeedbackDetailApi, FeedbackListCreateApi, FeedbackQueueApi, FeedbackReviewDetailApi

# The commander's routes first: "queue" is never a folio (REC-… or FEL-…), but it would match <str:folio>.
urlpatterns = [
    path("", FeedbackListCreateApi.as_view(), name="feedback"),
    path("queue/", FeedbackQueueApi.as_view(), name="feedback-queue"),
    path("queue/<str:folio>/", FeedbackReviewDetailApi.as_view(), name="feedback-review"),
    path("queue/<str:folio>/actions/", FeedbackActionApi.as_view(), name="feedback-action"),
    path("<str:folio>/", FeedbackDetailApi.as_view(), name="feedback-one"),
]
