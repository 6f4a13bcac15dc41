"""Generative models, data policies and the exact scoring of models against a known reality."""
