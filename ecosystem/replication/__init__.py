"""The published theory of recursive training, reproduced with the simulation's own models.

Each experiment refits the vendors' ``GaussianMixtureModel`` (or a categorical / linear model where the
paper uses one) generation after generation and compares mean and spread over seeds with the closed
form, so the collapse the ecosystem shows is anchored in results a reader can check.
"""

from ecosystem.replication.common import POLICIES, ReplicationError
from ecosystem.replication.output import write_replication
from ecosystem.replication.registry import (
           EXPERIMENTS,
           Experiment,
           get_experiment,
           resolve_options,
           run_experiment,
)

__all__ = ["EXPERIMENTS", "POLICIES", "Experiment", "ReplicationError", "get_experiment", "resolve_options",
           "run_experiment", "write_replication"]
