"""Tortoise ORM migrations of the `hit` app (installed as `fediverse_hit.migrations`)."""
