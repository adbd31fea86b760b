"""Catalogs, locale negotiation, locale-aware reading and formatting of numbers."""
