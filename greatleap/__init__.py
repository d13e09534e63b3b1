"""greatleap: an agent-based model of the Great Leap Forward famine (1958-1962)."""

__version__ = "0.1.0"
