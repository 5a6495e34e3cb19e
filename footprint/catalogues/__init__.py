"""Named things in the curated data: accelerators, models, embodied emissions, equivalences,
explanations.
"""
