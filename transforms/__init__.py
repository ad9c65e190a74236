"""Transforms applied to every row before it is written: redaction of secrets."""
