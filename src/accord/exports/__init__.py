"""Renderers: pure functions from the structured record to the bytes of a document."""
