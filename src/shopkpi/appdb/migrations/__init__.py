"""Alembic migrations of the app database; applied by ``shopkpi.appdb.migrate``."""
