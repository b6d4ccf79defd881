"""ditmap: map a client's significant relationships and recurring relational patterns, DIT-style."""

__version__ = "0.1.0"
