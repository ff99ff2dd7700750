"""Family reunification requests: officers search; the person found decides whether contact is shared."""
