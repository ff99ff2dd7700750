from .accounts import UserFactory, staff_user
from .geo import PrecinctFactory, PrefectureFactory, square

__all__ = ["PrecinctFactory", "PrefectureFactory", "UserFactory", "square", "staff_user"]
