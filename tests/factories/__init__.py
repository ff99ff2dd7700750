from .accounts import UserFactory, api_token, staff_user
from .geo import PrecinctFactory, PrefectureFactory, square

__all__ = ["PrecinctFactory", "PrefectureFactory", "UserFactory", "api_token", "square", "staff_user"]
