"""The engine evaluated over an axis: one estimate, zones (compare), years (trends), hours
(hourly), start times (scheduling), job rows (batch), samples (uncertainty), scenarios.
"""
