"""Builders of the curated tables; see scripts/build_datasets.py."""
