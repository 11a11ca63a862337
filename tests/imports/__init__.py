"""Tests of the import's reading layer (issue 10)."""
