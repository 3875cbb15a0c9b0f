"""Benchmarks (`make bench`): the product next to the straightforward baseline, in one run."""
