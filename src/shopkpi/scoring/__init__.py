"""Scoring: plans, scoring functions, adjustments, ratings, pay and frozen snapshots."""
