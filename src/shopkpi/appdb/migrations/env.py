"""Alembic environment: runs only programmatically, on the connection AppDB hands over.

There is no ``alembic.ini``: ``shopkpi.appdb.migrate.upgrade`` builds the configuration,
puts an open connection in ``config.attributes["connection"]`` and calls ``upgrade``.
"""

from __future__ import annotations

from alembic import context

from shopkpi.appdb.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run app-database migrations through shopkpi.appdb.migrate.upgrade")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
