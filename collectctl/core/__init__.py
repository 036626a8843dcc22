"""The pure core: domain models and rules. No I/O, no clock, no SQL."""
