"""A lower bound over whole per-person schedules: column generation (docs/search.md)."""
