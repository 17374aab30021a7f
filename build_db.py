"""Build the news archive: python build_db.py [SOURCE ...] --db archive.db (see --help)."""

from newsarchive.cli import main

if __name__ == "__main__":
    main()
