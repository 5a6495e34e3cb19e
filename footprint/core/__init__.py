"""The bottom layer: the one unit registry, errors and provenance (``Factor``)."""
