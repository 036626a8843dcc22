"""collectctl: a daily call plan, outcome log and reports for debt collectors."""

__version__ = "0.1.0"
