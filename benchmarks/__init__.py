"""`joinedup bench` scenarios and the deterministic synthetic-data generator (DESIGN.md §9)."""
