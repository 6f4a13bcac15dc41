"""The policy levers, one module each (config class, description, source, rules), and the book that puts
them in force. ``ecosystem.config`` is imported first: the schema imports the lever modules to build its
``policies:`` union, and they build on the schema's base classes."""

import ecosystem.config  # noqa: F401 - see above: the schema before its levers
from ecosystem.policies.book import PolicyBook
from ecosystem.policies.registry import LEVERS

__all__ = ["LEVERS", "PolicyBook"]
