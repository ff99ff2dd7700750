"""Safe-conduct permits: configured types and quotas, checked against the restriction registries at issue and at checkpoints."""
