"""The CP-SAT model of a roster (variables, context, the rule families in `rules/`, the
build order in `model`), its solve and its parameters, and the search in `search/`.
Imports models and the checker.
"""
