"""The synthetic demo city behind `make demo`. Synthetic data only."""
