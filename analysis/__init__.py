"""Figures and summaries built from results. Imports ``ecosystem``; ``ecosystem`` never imports this."""
