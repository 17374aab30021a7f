"""Build the news archive: python build_db.py [SOURCE ...] --db archive.db (see --help)."""

from newsarchive.cli import run

if __name__ == "__main__":
    run()
