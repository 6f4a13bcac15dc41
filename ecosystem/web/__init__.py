"""The web: a site graph (networkx) whose pages live in the document store."""
