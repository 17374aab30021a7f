"""What one SQL query may do, on every connection to the archive: Datasette's own and the
worker's that runs visitors' SQL (public_sql.py).

Anyone can run a read-only SELECT through the SQL console and the JSON API, and
Datasette's time limit stops a query only between steps of SQLite's virtual
machine, not inside one function call; so sizes are capped here.

- No value, and no row being sorted, longer than CELL_CAP bytes
  (SQLITE_LIMIT_LENGTH): `randomblob(900000000)` fails at once with "string or
  blob too big" instead of allocating 900 MB for seconds. 4 MiB holds the
  longest body the build accepts (parse.MAX_BODY_CHARACTERS, 1,000,000
  characters; 3 MB in UTF-8 for Chinese, 4 MB if every character took 4 bytes)
  with the rest of its row; real articles are a few KB, long reads a few hundred.
- LIKE and GLOB patterns of at most LIKE_PATTERN_CAP bytes: matching costs up
  to (text length x pattern length) in one call, so a 10,000-character pattern
  against a 4 MB string ran over a minute; 100 bytes, under a second. Table
  filters (`?body__contains=`) are LIKE patterns too.
- Functions nobody reading an archive needs, and that reach past it, are denied
  (DENIED_FUNCTIONS); so is reading `sqlite_stmt`, which would list the
  statements run on the same connection for other visitors.
- A visitor's answer carries at most ANSWER_BUDGET bytes of values (the worker
  installs budgeted_rows): 200 rows of 4 MB would be 800 MB. The archive's own
  pages and canned queries have no budget: their rows are the archive's, at most
  max_returned_rows of them.
"""

import sqlite3
import weakref

from datasette import hookimpl

CELL_CAP = 4 * 1024 * 1024
LIKE_PATTERN_CAP = 100
ANSWER_BUDGET = CELL_CAP

DENIED_FUNCTIONS = {
    "fts3_tokenizer",  # returns and accepts raw C pointers to tokenizer modules
    "load_extension",  # loads native code
    "rtreenode",  # debugging decoders of raw r-tree nodes, with a history of memory bugs
    "rtreedepth",
    "rtreecheck",  # checks a whole r-tree in one call
    "sqlite_log",  # writes into the server's log
}
DENIED_READS = {"sqlite_stmt"}


class AnswerTooLarge(sqlite3.DataError):
    pass


@hookimpl
def prepare_connection(conn):
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, CELL_CAP)
    conn.setlimit(sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH, LIKE_PATTERN_CAP)
    conn.set_authorizer(authorize)


def authorize(action, arg1, arg2, database, source):
    if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in DENIED_FUNCTIONS:
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_READ and (arg1 or "").lower() in DENIED_READS:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def budgeted_rows(make_row, budget):
    """A row factory that fails a query once its rows carry more than `budget` bytes of values."""
    used = weakref.WeakKeyDictionary()  # cursor -> bytes so far

    def row_factory(cursor, values):
        size = used.get(cursor, 0) + sum(utf8_size(value) for value in values)
        if size > budget:
            raise AnswerTooLarge(
                f"the answer is larger than {budget // (1024 * 1024)} MB: "
                "ask for fewer rows (limit, _size=) or fewer columns")
        used[cursor] = size
        return make_row(cursor, values)

    return row_factory


def utf8_size(value):
    if isinstance(value, bytes):
        return len(value)
    if isinstance(value, str):
        return len(value) if value.isascii() else len(value.encode("utf-8", "surrogatepass"))
    return 8
