import re

import pytest

from backend.accounts.models import Role
from tests.factories import PrecinctFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_precinct_boundary_is_editable_on_an_offline_map(client):
    precinct = PrecinctFactory(column=0)
    admin = UserFactory(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    client.force_login(admin)
    page = client.get(f"/admin/geo/precinct/{precinct.id}/change/").content.decode()
    assert "vendor/ol/ol.js" in page
    assert 'name="boundary"' in page
    external = re.findall(r"""(?:src|href)=["'](https?://[^"']+)""", page)
    assert external == []
