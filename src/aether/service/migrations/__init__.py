"""Alembic migrations, shipped inside the package and applied on start (SQLite and PostgreSQL alike)."""
