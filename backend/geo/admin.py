from django.contrib import admin

from backend.common.admin import OfflineGISAdmin

from .models import Precinct, Prefecture, RegisteredAddress, Sector


@admin.register(Prefecture)
class PrefectureAdmin(OfflineGISAdmin):
    list_display = ["code", "name", "population", "census_year"]
    search_fields = ["code", "name"]


@admin.register(Precinct)
class PrecinctAdmin(OfflineGISAdmin):
    list_display = ["code", "name", "prefecture", "population", "census_year"]
    list_filter = ["prefecture"]
    search_fields = ["code", "name"]


@admin.register(Sector)
class SectorAdmin(OfflineGISAdmin):
    list_display = ["code", "name", "precinct", "population"]
    list_filter = ["precinct"]
    search_fields = ["code", "name"]


@admin.register(RegisteredAddress)
class RegisteredAddressAdmin(OfflineGISAdmin):
    list_display = ["user", "precinct", "is_boundary_case", "created_at"]
    list_filter = ["precinct", "is_boundary_case"]
    raw_id_fields = ["user"]
