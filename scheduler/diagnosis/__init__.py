"""Why a week does not fit and what would make it: the verdict, the conflicts (a minimal
set of contradicting rules), the reasons for each shortfall (arithmetic only, no
solver), the fixes, and `roster check`. Imports models, the checker and cpsat.
"""
