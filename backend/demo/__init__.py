"""Deterministic demo data: a realistic district (org tree, units, members) from a seed."""
