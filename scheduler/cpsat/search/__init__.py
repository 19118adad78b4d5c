"""How a roster is searched for beside the main CP-SAT search: the neighbourhood search
(`lns`), the first roster person by person (`start`), solving by parts (`decompose`),
the LP bound (`lp_bound`) and symmetry breaking (`symmetry`).
"""
