"""Files in and out: checked reads, atomic writes."""
