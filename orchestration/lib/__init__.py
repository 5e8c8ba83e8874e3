"""Shared library code: no Dagster imports below this package."""
