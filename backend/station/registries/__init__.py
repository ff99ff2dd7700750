"""Restriction registries (health, custody, civil registry, SII): versioned batches, lookups and their audit."""
