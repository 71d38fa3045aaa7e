"""Minsheng (民生): a public-service quality platform."""

__version__ = "0.1.0"
