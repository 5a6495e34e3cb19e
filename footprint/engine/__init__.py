"""The formula chain (``accounting``), the one evaluator over tables of loads and sites
(``evaluation``) and the result type (``result``).
"""
