from django.urls import path

from .apis import (
    CondolenceBookApi,
    CondolenceBookListApi,
    CondolenceMessagesApi,
    ModerationDecisionApi,
    ModerationQueueApi,
)

# Moderation first: "moderation" would otherwise match a book's <slug:slug> (admin refuses that slug).
urlpatterns = [
    path("", CondolenceBookListApi.as_view(), name="condolence-books"),
    path("moderation/", ModerationQueueApi.as_view(), name="condolence-moderation"),
    path("moderation/<int:message_id>/", ModerationDecisionApi.as_view(), name="condolence-moderate"),
    path("<slug:slug>/", CondolenceBookApi.as_view(), name="condolence-book"),
    path("<slug:slug>/messages/", CondolenceMessagesApi.as_view(), name="condolence-messages"),
]
