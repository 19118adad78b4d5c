"""Building, solving and exporting rosters; the `roster` command line."""
