"""Lưu trữ: records archive and long-term preservation for Vietnamese state agencies."""

__version__ = "0.1.0"
