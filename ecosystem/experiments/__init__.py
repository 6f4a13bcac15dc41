"""Running scenarios: one run, and later comparisons and sweeps built on it."""
