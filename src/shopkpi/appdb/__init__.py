"""The app database: manual ratings, plan adoptions, frozen scorecards and the audit log.

App state lives apart from the warehouse (DESIGN §8): SQLAlchemy 2 over SQLite by default
(``app.db`` in the workspace) or PostgreSQL (``engine.database_url``), with Alembic
migrations shipped in this package and applied on open. Import :class:`AppDB` from
``shopkpi.appdb.db``; this package module stays light so that the ingest pipeline can use
the ratings-file helpers without loading SQLAlchemy.
"""
