"""Where it runs: regions, grid zones and intensities (yearly and hourly), facilities, water,
prices, on-site solar and the site that gathers them.
"""
