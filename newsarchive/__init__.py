"""Build a searchable SQLite archive of news reporting from raw article files."""

__version__ = "0.1.0"
