"""Reads for analytics, split by subject: areas and months, routing, linkage, dark figure, STOP pack, hotspots."""
