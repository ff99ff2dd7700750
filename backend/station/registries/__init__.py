"""Restriction registries (health, custody, civil registry, employer activity): versioned batches, lookups and their audit."""
