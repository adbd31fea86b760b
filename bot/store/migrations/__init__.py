"""Alembic migrations for the NeutroGuide store (``neutroguide db upgrade``)."""
