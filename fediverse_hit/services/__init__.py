"""Business rules. Raise errors from `fediverse_hit.errors`; never import the federation layer."""
