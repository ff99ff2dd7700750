from rest_framework import serializers
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from backend.common.coordinates import LatitudeField, LongitudeField
from backend.common.geojson import OrientedGeometryField

from .models import Precinct


class PrecinctSerializer(GeoFeatureModelSerializer):
    boundary = OrientedGeometryField(read_only=True)
    prefecture = serializers.CharField(source="prefecture.code", read_only=True)

    class Meta:
        model = Precinct
        geo_field = "boundary"
        fields = ["id", "code", "name", "population", "census_year", "prefecture"]


class LocateQuerySerializer(serializers.Serializer):
    lat = LatitudeField()
    lon = LongitudeField()


class PrecinctMatchSerializer(serializers.Serializer):
    precinct = serializers.SerializerMethodField()
    is_boundary_case = serializers.BooleanField()
    is_overlap = serializers.BooleanField()
    is_gap = serializers.BooleanField()
    gap_distance_meters = serializers.FloatField(allow_null=True)

    def get_precinct(self, match) -> dict:
        precinct = self.context["precinct"]
        return {"id": precinct.id, "code": precinct.code, "name": precinct.name}
