"""Open311 GeoReport v2: outside clients list our services, post requests (which become alerts) and follow them."""
