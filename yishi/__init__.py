"""Yishi 議事助理: the Taipei City Government Secretariat's meeting and inquiry assistant."""

__version__ = "0.1.0"
