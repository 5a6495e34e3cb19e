"""Results to text: one module per kind of output (results, frames, scenarios, comparisons,
plots) and one escaper per format.
"""
