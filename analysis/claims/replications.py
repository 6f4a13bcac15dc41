"""Replications: published closed forms of model collapse, reproduced with the engine's own models
(ecosystem.replication.claims) and entered in the ledger beside the simulated claims."""

from __future__ import annotations

from analysis.claims.model import Replication

REPLICATIONS: tuple[Replication, ...] = (
    Replication("replication_gaussian", "gaussian", "MLE refits on 20 samples, 10 generations, 200 chains a seed",
                "Shumailov et al., Nature 2024"),
    Replication("replication_gmm", "gmm", "EM refits of a two-component mixture on 50 samples, 25 generations",
                "Shumailov et al., Nature 2024"),
    Replication("replication_categorical", "categorical", "Zipf vocabulary of 1,000 words, 100 samples, 50 "
                "generations", "genetic drift (heterozygosity loss); Shumailov et al. 2024"),
    Replication("replication_regression", "regression", "linear model, T = 20, d = 3, 10 generations on its own "
                "labels", "Dohmatob, Feng & Kempe 2024"),
    Replication("replication_mixing", "mixing", "25% fresh real data, synthetic sampled at 0.6x variance, 20 "
                "generations", "Bertrand et al. 2024; Gerstgrasser et al. 2024"),
)
