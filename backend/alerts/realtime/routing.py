"""Websocket routes (mounted by ``backend.config.asgi``); the protocol is described in ``consumers.py``."""

from django.urls import path

from .consumers import CommunityConsumer, DispatchConsumer, ReporterAlertConsumer

websocket_urlpatterns = [
    path("ws/dispatch/", DispatchConsumer.as_asgi()),
    path("ws/community/", CommunityConsumer.as_asgi()),
    path("ws/alerts/<int:alert_id>/", ReporterAlertConsumer.as_asgi()),
]
