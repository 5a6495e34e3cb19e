"""Curated tables: the loader, and one schema per dataset (shared by the build scripts, the
loader and the tests).
"""
