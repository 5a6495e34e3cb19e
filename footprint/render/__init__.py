"""Results to text. :mod:`~footprint.render.report` is the one dispatch of every command's
output: one module per format (``table``, ``json_out``, ``csv_out``, ``markdown``) over
shared parts (``labels`` and ``ladders`` for readable values, ``rows``, ``finite``); then
scenario reports (``reporting``), comparisons (``compare_table``) and charts (``plots``).
Escaping is one escaper per format (:mod:`footprint.core.escape`).
"""
