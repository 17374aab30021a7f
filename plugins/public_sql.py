"""SQL written by visitors runs in a separate process, one query at a time, with a shorter time limit.

A visitor's SQL is a request to a database (`/archive`, `/archive.json`,
`/archive.csv`) with a `sql` parameter, or to a table with `_where` (a piece of
SQL) or `_searchmode=raw` (full-text query syntax). Canned queries are the
archive's own SQL and are not affected. For these requests:

- The time limit is PUBLIC_SQL_TIME_LIMIT_MS instead of sql_time_limit_ms: the
  request gets Datasette's `_timelimit` parameter, which can only lower the limit
  (a visitor's own larger, zero or malformed `_timelimit` is dropped). A table
  page also gets `_nocount`, `_nofacet` and `_nosuggest`: those queries would
  run the visitor's SQL again under the longer limits.
- Their queries run in a worker process (this file run as a script), not in
  Datasette's threads: at a lower CPU priority, with at most WORKER_MEMORY bytes
  of memory and WORKER_FILE_SIZE bytes per temporary file, and with the limits
  of sql_limits.py plus an answer budget. Datasette's time limit stops a query
  only between steps of SQLite's virtual machine; a single call such as
  instr() over two strings of megabytes runs on for minutes, so the worker is
  killed when a query overruns its limit by WORKER_GRACE_S, and restarted.
  Nothing a visitor's query does holds Python's global lock in the server or
  takes its memory, so the archive's pages keep their speed.
- They run one at a time (a worker runs one query); at most PUBLIC_SQL_WAITING
  wait for their turn, and past that the answer is 503 with Retry-After, at
  once, rather than after minutes in a queue.

Datasette runs queries through `Database.execute`; at startup each file
database's gets a wrapper that sends the query to the worker when the request
being served is a visitor's SQL (a context variable set here).
"""

import asyncio
import concurrent.futures
import contextvars
import functools
import importlib.util
import json
import marshal
import os
import select
import signal
import sqlite3
import struct
import subprocess
import sys
import threading
import time
import weakref
from pathlib import Path
from urllib.parse import parse_qsl, unquote_plus

from datasette import hookimpl
from datasette.database import QueryInterrupted, Results
from datasette.tracer import trace
from markupsafe import escape

PUBLIC_SQL_TIME_LIMIT_MS = 1000
PUBLIC_SQL_WAITING = 8
WORKER_GRACE_S = 1.0
WORKER_NICENESS = 10
WORKER_MEMORY = 1024 * 1024 * 1024
WORKER_FILE_SIZE = 1024 * 1024 * 1024

VISITOR_SQL = contextvars.ContextVar("visitor_sql", default=False)


# Which requests are a visitor's SQL, and their time limit


def is_visitor_sql(path, args):
    segments = [segment for segment in path.split("/") if segment]
    if not segments or segments[0].startswith("-"):
        return False
    if len(segments) == 1:
        return bool(args.get("sql"))
    return "_where" in args or args.get("_searchmode") == "raw"


def with_time_limit(query_string, table_page=False):
    """The query string with `_timelimit` set to PUBLIC_SQL_TIME_LIMIT_MS, or to the visitor's if lower.

    On a table page `_timelimit` covers only the rows; the count, facets and facet
    suggestions, which would run the visitor's SQL under the longer limits, are left out.
    """
    limit = PUBLIC_SQL_TIME_LIMIT_MS
    added = {"_nocount": "1", "_nofacet": "1", "_nosuggest": "1"} if table_page else {}
    kept = []
    for part in query_string.split("&"):
        key, _, value = part.partition("=")
        key, value = unquote_plus(key), unquote_plus(value).strip()
        if key == "_timelimit":
            if value.isdigit() and 0 < int(value) < limit:
                limit = int(value)
        elif part and key not in added:
            kept.append(part)
    added["_timelimit"] = str(limit)
    return "&".join(kept + [f"{key}={value}" for key, value in added.items()])


class Gate:
    """One visitor's SQL request inside at a time, at most PUBLIC_SQL_WAITING waiting."""

    def __init__(self):
        self.semaphore = asyncio.Semaphore(1)
        self.waiting = 0


@hookimpl
def asgi_wrapper(datasette):
    gates = weakref.WeakKeyDictionary()  # one per event loop (tests run one loop per request)

    def wrap(app):
        async def public_sql(scope, receive, send):
            if scope["type"] != "http":
                return await app(scope, receive, send)
            # The path as Datasette routes it: raw (foo%2Fbar is one segment), without base_url.
            path = (scope.get("raw_path") or scope["path"].encode()).decode("latin-1").partition("?")[0]
            base_url = datasette.setting("base_url")
            if base_url != "/" and path.startswith(base_url):
                path = "/" + path[len(base_url):]
            query_string = (scope.get("query_string") or b"").decode("latin-1")
            args = {}
            for key, value in parse_qsl(query_string, keep_blank_values=True):
                args.setdefault(key, value)  # the first value, as Datasette's request.args.get
            if not is_visitor_sql(path, args):
                return await app(scope, receive, send)

            loop = asyncio.get_running_loop()
            gate = gates.get(loop) or gates.setdefault(loop, Gate())
            if gate.semaphore.locked() and gate.waiting >= PUBLIC_SQL_WAITING:
                return await busy(datasette, path, send)
            gate.waiting += 1
            try:
                await gate.semaphore.acquire()
            finally:
                gate.waiting -= 1
            released = False

            def release():
                nonlocal released
                if not released:
                    released = True
                    gate.semaphore.release()

            async def send_and_release(message):
                if message["type"] == "http.response.start":
                    release()  # a streamed CSV runs on, but the next request may start
                await send(message)

            table_page = len([segment for segment in path.split("/") if segment]) > 1
            scope = dict(scope, query_string=with_time_limit(query_string, table_page).encode("latin-1"))
            token = VISITOR_SQL.set(True)
            try:
                await app(scope, receive, send_and_release)
            finally:
                VISITOR_SQL.reset(token)
                release()

        return public_sql

    return wrap


async def busy(datasette, path, send):
    message = ("Too many SQL queries are waiting to run; try again in a few seconds. "
               f"Visitors' SQL runs one query at a time, for at most {PUBLIC_SQL_TIME_LIMIT_MS} ms each.")
    if path.endswith(".json"):
        body = json.dumps({"ok": False, "error": message, "status": 503, "title": "Busy"}).encode()
        content_type = b"application/json; charset=utf-8"
    else:
        body = f"<!DOCTYPE html><title>Busy</title><h1>Busy</h1><p>{escape(message)}</p>".encode()
        content_type = b"text/html; charset=utf-8"
    headers = [(b"content-type", content_type), (b"retry-after", b"5")]
    if datasette.cors:
        headers.append((b"access-control-allow-origin", b"*"))
    await send({"type": "http.response.start", "status": 503, "headers": headers})
    await send({"type": "http.response.body", "body": body})


# Sending a visitor's queries to the worker


@hookimpl
def startup(datasette):
    for database in datasette.databases.values():
        if database.path and not database.is_memory and "execute" not in vars(database):
            database.execute = functools.partial(execute, database, database.execute)
    WORKER_THREAD.submit(WORKER.start)


async def execute(database, original, sql, params=None, truncate=False, custom_time_limit=None,
                  page_size=None, log_sql_errors=True):
    """Database.execute, in the worker when serving a visitor's SQL (the same arguments and results)."""
    if not VISITOR_SQL.get():
        return await original(sql, params, truncate=truncate, custom_time_limit=custom_time_limit,
                              page_size=page_size, log_sql_errors=log_sql_errors)
    ds = database.ds
    limit_ms = ds.sql_time_limit_ms
    if custom_time_limit and custom_time_limit < limit_ms:
        limit_ms = custom_time_limit
    max_rows = ds.max_returned_rows  # as Datasette counts it
    if max_rows == (page_size or ds.page_size):
        max_rows += 1
    uri = f"file:{database.path}?" + ("immutable=1" if not database.is_mutable else
                                       "mode=ro" + ("&nolock=1" if ds.nolock else ""))
    job = (uri, sql, params if params is not None else {}, truncate, max_rows, limit_ms)
    with trace("sql", database=database.name, sql=sql.strip(), params=params):
        answer = await asyncio.get_running_loop().run_in_executor(WORKER_THREAD, WORKER.run, job, limit_ms)
    if answer[0] == "rows":
        _, names, rows, truncated = answer
        return Results(as_rows(names, rows), truncated, [(name, None, None, None, None, None, None) for name in names])
    _, kind, message = answer
    if log_sql_errors:
        sys.stderr.write(f"ERROR: visitor's sql = {sql!r}, params = {params!r}: {message}\n")
        sys.stderr.flush()
    if kind == "interrupted":
        raise QueryInterrupted(sqlite3.OperationalError("interrupted"), sql, params)
    error = getattr(sqlite3, kind, None)
    raise (error if isinstance(error, type) and issubclass(error, sqlite3.Error) else sqlite3.DatabaseError)(message)


_row_makers = threading.local()


def as_rows(names, rows):
    """sqlite3.Row objects, as Datasette's own queries return, with these column names."""
    if getattr(_row_makers, "conn", None) is None:
        _row_makers.conn = sqlite3.connect(":memory:")
    if not names:
        return [tuple(row) for row in rows]
    columns = ", ".join('null as "{}"'.format(name.replace('"', '""')) for name in names)
    cursor = _row_makers.conn.execute(f"select {columns}")
    return [sqlite3.Row(cursor, tuple(row)) for row in rows]


class Worker:
    """The worker process: started with the server, killed when a query overruns, started again at once."""

    def __init__(self):
        self.process = None

    def start(self):
        if self.process is None or self.process.poll() is not None:
            self.process = subprocess.Popen([sys.executable, __file__], stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE)

    def run(self, job, limit_ms):
        """The worker's answer to a job: ("rows", names, rows, truncated) or ("error", kind, message)."""
        self.start()
        try:
            send_message(self.process.stdin, job)
            return read_message(self.process.stdout, time.monotonic() + limit_ms / 1000 + WORKER_GRACE_S)
        except (OSError, EOFError, ValueError, TimeoutError) as error:
            self.process.kill()
            self.process.wait()
            self.start()  # its imports run while the visitor reads the error
            if isinstance(error, TimeoutError):
                return ("error", "interrupted", "interrupted")
            return ("error", "OperationalError", "the query stopped the SQL worker")


WORKER = Worker()
WORKER_THREAD = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="public-sql")


def send_message(stream, message):
    data = marshal.dumps(message)
    stream.write(struct.pack("!Q", len(data)) + data)
    stream.flush()


def read_message(stream, deadline=None):
    """One message from a pipe; TimeoutError past the deadline, EOFError when the other side is gone."""
    fd, data, size = stream.fileno(), b"", None
    while size is None or len(data) < 8 + size:
        if deadline is not None:
            ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                raise TimeoutError
        chunk = os.read(fd, 1 << 20 if size is None else min(1 << 20, 8 + size - len(data)))
        if not chunk:
            raise EOFError
        data += chunk
        if size is None and len(data) >= 8:
            size = struct.unpack("!Q", data[:8])[0]
    return marshal.loads(data[8:])


# The worker


def serve_jobs():
    """Run jobs from stdin, answers to stdout, until stdin closes (or the server dies)."""
    os.nice(WORKER_NICENESS)
    import resource

    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: killed with the server, even mid-query

    resource.setrlimit(resource.RLIMIT_AS, (WORKER_MEMORY, WORKER_MEMORY))
    resource.setrlimit(resource.RLIMIT_FSIZE, (WORKER_FILE_SIZE, WORKER_FILE_SIZE))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an oversized temporary file fails the query instead
    jobs, answers = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing else may write into the answers
    spec = importlib.util.spec_from_file_location("sql_limits", Path(__file__).with_name("sql_limits.py"))
    sql_limits = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sql_limits)
    from datasette.utils import escape_fts

    connections = {}
    while True:
        try:
            uri, sql, params, truncate, max_rows, limit_ms = read_message(jobs)
        except EOFError:
            return
        conn = connections.get(uri)
        if conn is None:
            conn = connections[uri] = sqlite3.connect(uri, uri=True, check_same_thread=False)
            conn.text_factory = lambda data: str(data, "utf-8", "replace")  # as Datasette's connections
            conn.create_function("escape_fts", 1, escape_fts)
            sql_limits.prepare_connection(conn)
            conn.row_factory = sql_limits.budgeted_rows(lambda cursor, values: values, sql_limits.ANSWER_BUDGET)
        deadline = time.perf_counter() + limit_ms / 1000
        conn.set_progress_handler(lambda: time.perf_counter() >= deadline, 1000)
        try:
            cursor = conn.execute(sql, params)
            if truncate:
                rows = cursor.fetchmany(max_rows + 1)
                answer = ("rows", [column[0] for column in cursor.description or []], rows[:max_rows],
                          len(rows) > max_rows)
            else:
                answer = ("rows", [column[0] for column in cursor.description or []], cursor.fetchall(), False)
            cursor.close()
        except sqlite3.Error as error:
            sqlite_class = next(cls for cls in type(error).__mro__ if cls.__module__ == "sqlite3")
            answer = ("error", "interrupted" if error.args == ("interrupted",) else sqlite_class.__name__, str(error))
        except MemoryError:
            answer = ("error", "OperationalError", "out of memory")
        finally:
            conn.set_progress_handler(None, 1000)
        send_message(answers, answer)


if __name__ == "__main__":
    serve_jobs()
