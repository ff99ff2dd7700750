from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "backend.accounts"
    label = "accounts"
    verbose_name = "People and roles"

    def ready(self) -> None:
        from . import schema  # noqa: F401 - registers the OpenAPI description of the token scheme
