"""PageRank on the link arrays the web keeps.

networkx's ``pagerank`` first converts the whole graph, edge by edge in Python, into a sparse matrix; at a
refresh every few months that conversion was three quarters of the ranking's cost. This is the same power
iteration (networkx's scipy algorithm: uniform teleport, dangling sites spread uniformly, the same defaults
and the same floating-point operations, so the ranks are identical) on a matrix built from arrays.
"""

from __future__ import annotations

import numpy as np


def pagerank(sources: np.ndarray, targets: np.ndarray, n: int, *, alpha: float = 0.85, max_iter: int = 100,
             tol: float = 1e-6) -> np.ndarray:
    """PageRank of sites 0..n-1 given links sources[i] -> targets[i] (each link once, no self-links)."""
    import scipy.sparse as sparse  # here, not at the top: the short commands (validate, --help) never rank

    if n == 0:
        return np.empty(0)
    links = sparse.csr_array((np.ones(len(sources)), (sources, targets)), shape=(n, n))
    out = links.sum(axis=1)
    out[out != 0] = 1.0 / out[out != 0]
    transition = sparse.dia_array((out.T, 0), shape=links.shape).tocsr() @ links
    x = np.repeat(1.0 / n, n)
    teleport = np.repeat(1.0 / n, n)
    dangling = np.where(out == 0)[0]
    for _ in range(max_iter):
        last = x
        # the builtin sum, as networkx writes it (numpy's pairwise sum would round differently); few sites are
        # dangling, as every site but the first links out when it joins
        x = alpha * (x @ transition + sum(x[dangling]) * teleport) + (1 - alpha) * teleport
        if np.absolute(x - last).sum() < n * tol:
            return x
    import networkx as nx

    raise nx.PowerIterationFailedConvergence(max_iter)
