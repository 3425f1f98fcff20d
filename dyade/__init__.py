"""Dyade: a mentoring programme's guide, forms and handouts from YAML sources."""
__version__ = "0.1.0"
