"""Benchmarks for collectctl: a deterministic data generator and timed whole-process scenarios.

Run by hand (``python -m benchmarks --help``); results go into the README's Performance
section with the machine and date. Never part of the test suite.
"""
