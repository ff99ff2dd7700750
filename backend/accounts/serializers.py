from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from backend.common.coordinates import LatitudeField, LongitudeField

from .models import Agency, User


class RegisterSerializer(serializers.Serializer):
    username = serializers.RegexField(r"^[\w.@+-]{3,150}$")
    password = serializers.CharField(write_only=True, max_length=128)
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    first_name = serializers.CharField(required=False, allow_blank=True, max_length=150, default="")
    last_name = serializers.CharField(required=False, allow_blank=True, max_length=150, default="")
    rut = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=16, default=None)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=20, default="")


class LoginSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, write_only=True)


class AddressSerializer(serializers.Serializer):
    lat = LatitudeField()
    lon = LongitudeField()


class HomeSerializer(serializers.Serializer):
    lat = serializers.FloatField()
    lon = serializers.FloatField()
    precinct = serializers.CharField()
    is_boundary_case = serializers.BooleanField()


class UserSerializer(serializers.ModelSerializer):
    # The model stores "" (not null) for no e-mail and no agency; the schema has to allow exactly that.
    email = serializers.EmailField(read_only=True, allow_blank=True)
    agency = serializers.ChoiceField(choices=Agency.choices, allow_blank=True, read_only=True)
    precincts = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    prefecture = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    home = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "email", "first_name", "last_name", "rut", "phone", "role", "agency"]
        fields += ["precincts", "prefecture", "home", "language"]
        read_only_fields = fields

    @extend_schema_field(HomeSerializer(allow_null=True))
    def get_home(self, user) -> dict | None:
        address = getattr(user, "registered_address", None)
        if address is None:
            return None
        return {
            "lat": address.location.y,
            "lon": address.location.x,
            "precinct": address.precinct.code,
            "is_boundary_case": address.is_boundary_case,
        }


class MeUpdateSerializer(serializers.Serializer):
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES,
        required=False,
        help_text="The language of API answers (when the request sends no Accept-Language), websocket errors "
        "and pushes.",
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`. Shown once; stored hashed.")
    expiry = serializers.DateTimeField(
        allow_null=True, help_text="When the token lapses unless used; each use moves it forward."
    )
    user = serializers.SerializerMethodField()

    @extend_schema_field(UserSerializer)
    def get_user(self, data) -> dict:
        return UserSerializer(data["user"]).data


class PasswordChangeSerializer(serializers.Serializer):
    current_password = serializers.CharField(max_length=128, write_only=True)
    new_password = serializers.CharField(max_length=128, write_only=True)


class PasswordChangedSerializer(TokenSerializer):
    token = serializers.CharField(
        allow_null=True,
        help_text="A new token for this device when the request came with a token (every old one is revoked); "
        "null for a browser session, which stays signed in.",
    )


class WebsocketTicketSerializer(serializers.Serializer):
    ticket = serializers.CharField(help_text="Open one websocket with `?ticket=<ticket>`, once, before `expires_at`.")
    expires_at = serializers.DateTimeField()
