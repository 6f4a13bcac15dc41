"""ecosim: an agent-based simulator of the web's content ecosystem and the model collapse it breeds."""

__version__ = "0.1.0"
