"""Search that knows the archive's entities, and takes the operators people type.

Datasette turns a search (the `search` canned query, and the search box of every
table with full-text search) into an FTS5 expression with the SQL function
`escape_fts`, which quotes every word: "Hasakah OR Hasakeh" and "Hasak*" then find
nothing. This plugin gives each database its own `escape_fts`, which

- keeps OR, AND, NOT, "quoted phrases", (parentheses) and prefix* as FTS5 reads them;
- searches every spelling of an entity a word (or the whole query) names: "Hasakeh" also finds
  Hasakah, Hasaka and al-Hasakah, "Daesh" every article that names the Islamic State,
  from the archive's own `entities.aliases` (only names written with a capital letter
  and longer than two letters: "IS" is not searched as "is"); a spelling in quotes
  is searched as it is, alone;
- quotes everything else, so a malformed query (an unclosed quote, a stray bracket)
  is read as plain words, never an error page.

The search page says which other spellings it searched ("also matched").
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import threading

from datasette import hookimpl

OPERATORS = {"OR", "AND", "NOT"}
TOKEN = re.compile(r'"[^"]*"|\(|\)|[^\s()"]+')
WORD = re.compile(r"\w+")
MAX_SPELLINGS = 12  # an entity with more spellings searches its commonest (the name first)

_lock = threading.Lock()
_spellings: dict[tuple[str, float], dict[str, tuple[str, ...]]] = {}  # (db file, mtime) -> key -> spellings


def words_key(text: str) -> str:
    """A spelling as FTS5's tokenizer sees it: its words, lower case ("al-Hasakah" -> "al hasakah")."""
    return " ".join(WORD.findall(text.lower()))


def spellings_of(path: str | None) -> dict[str, tuple[str, ...]]:
    """Every searchable spelling of every named entity in the archive file -> all the entity's spellings.

    Read once per file version from a connection of its own, never from the one running the
    search; an entity's spellings are its name and its aliases with a capital letter and more
    than two letters.
    """
    if not path:
        return {}
    try:
        key = (path, os.stat(path).st_mtime)
    except OSError:
        return {}
    table = _spellings.get(key)
    if table is not None:
        return table
    with _lock:
        if key in _spellings:
            return _spellings[key]
        table = {}
        try:
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
                rows = connection.execute(
                    "select name, aliases from entities where type in ('PERSON', 'ORG', 'GPE', 'LOC', 'FAC', 'NORP') "
                    "order by mention_count desc").fetchall()
        except sqlite3.Error:
            rows = []
        for name, aliases in rows:
            try:
                forms = [name, *json.loads(aliases or "[]")]
            except ValueError:
                forms = [name]
            kept = list(dict.fromkeys(f for f in forms if isinstance(f, str) and len(f) > 2 and f != f.lower()
                                      and words_key(f)))[:MAX_SPELLINGS]
            for form in kept:
                table.setdefault(words_key(form), tuple(kept))
        _spellings.clear()  # one version per file: an archive rebuilt in place drops the old table
        _spellings[key] = table
        return table


def phrase(text: str) -> str:
    return '"' + " ".join(WORD.findall(text)) + '"'


def search_expression(query: str, spellings: dict[str, tuple[str, ...]]) -> tuple[str, list[str]]:
    """(an FTS5 expression for what the visitor typed, the other spellings it also searches)."""
    query = query or ""
    whole = words_key(query)
    if whole in spellings and not any(t in OPERATORS or t.endswith("*") for t in query.split()) and '"' not in query:
        forms = spellings[whole]  # the whole query names an entity ("Islamic State", "Hasakeh")
        return "(" + " OR ".join(phrase(f) for f in forms) + ")", [f for f in forms if words_key(f) != whole]
    if query.count('"') % 2:
        query = query.replace('"', " ")  # an unclosed quote: plain words
    parts, also, depth = [], [], 0
    for token in TOKEN.findall(query):
        if token in OPERATORS:
            if parts and parts[-1] not in OPERATORS and parts[-1] != "(":
                parts.append(token)
            continue
        if token == "(":
            if parts and parts[-1] not in OPERATORS and parts[-1] != "(":
                parts.append("AND")
            parts.append(token)
            depth += 1
            continue
        if token == ")":
            if depth and parts and parts[-1] != "(":
                while parts[-1] in OPERATORS:
                    parts.pop()
                parts.append(token)
                depth -= 1
            continue
        quoted = token.startswith('"')
        prefix = token.endswith("*") and not quoted
        key = words_key(token)
        if not key:
            continue
        if parts and parts[-1] not in OPERATORS and parts[-1] != "(":
            parts.append("AND")
        if prefix:
            parts.append(phrase(key) + "*")
        elif key in spellings and not quoted:  # "in quotes": that spelling only
            forms = spellings[key]
            parts.append("(" + " OR ".join(phrase(f) for f in forms) + ")")
            also += [f for f in forms if words_key(f) != key]
        else:
            parts.append(phrase(key))
    while parts and (parts[-1] in OPERATORS or parts[-1] == "("):
        if parts.pop() == "(":
            depth -= 1
    parts += [")"] * depth
    return " ".join(parts), list(dict.fromkeys(also))


@hookimpl(trylast=True)  # after Datasette's own escape_fts, which this one replaces
def prepare_connection(conn, database, datasette):
    try:
        path = datasette.get_database(database).path
    except KeyError:
        path = None

    def escape_fts(query):
        expression, _ = search_expression(query or "", spellings_of(path))
        return expression or '""'

    conn.create_function("escape_fts", 1, escape_fts)


@hookimpl
def extra_template_vars(template, database, request, datasette):
    """The other spellings a search on this page also searched, for the "also matched" line."""
    if request is None or database is None:
        return {}
    query = request.args.get("q") or request.args.get("_search")
    if not query:
        return {}
    try:
        path = datasette.get_database(database).path
    except KeyError:
        return {}
    _, also = search_expression(query, spellings_of(path))
    return {"also_matched": also}
