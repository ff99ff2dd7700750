import factory

from backend.accounts.models import Role, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.cl")
    first_name = "Ana"
    last_name = "Pérez"
    role = Role.NEIGHBOR
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def precincts(self, create, extracted, **kwargs):
        if create and extracted:
            self.precincts.set(extracted)
        if create:
            self.save()


def staff_user(role: str, precincts=(), **kwargs) -> User:
    return UserFactory(role=role, precincts=list(precincts), **kwargs)


def api_token(user: User) -> str:
    """A fresh API token for ``user``, as logging in from an app gives."""
    from backend.accounts.services import token_issue

    return token_issue(user=user).token


def token_for(user) -> str:
    """The API token a client sends as ``Authorization: Token <token>`` (the contract test's name for it)."""
    return api_token(user)
