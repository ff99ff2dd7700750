"""Safe-conduct permits: configured types and quotas, checked against the registries at issue and at checkpoints."""
