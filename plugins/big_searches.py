"""A table search that matches most of the archive answers at once, without facets.

Datasette counts a table search's rows and runs every facet over them: for a word in
70,000 of 100,000 articles ("said") that is six scans of 70,000 rows, 1.5 s. The
full-text index counts the matches in a few milliseconds, so when a search on a
table's page matches more than MAX_FACETED rows, this plugin asks Datasette for the
rows without facets and without its own count (`_nofacet=1&_nocount=1`), and the page
says how many rows matched and why there are no facets. Narrower searches keep both.
A request that names `_nofacet`, `_nocount` or `_facet` itself is left as it is.
The limit can be set in metadata.yml: `plugins: big-searches: max_faceted: 20000`.
"""

import re
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl
from markupsafe import Markup

MAX_FACETED = 10_000
TABLE_PATH = re.compile(r"/(?P<database>[^/]+)/(?P<table>[^/]+?)(?P<format>\.json|\.csv)?")
SCOPE_KEY = "newsarchive.search_matches"


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def searched(scope, receive, send):
            if scope.get("type") == "http" and b"_search=" in scope.get("query_string", b""):
                scope = await without_facets(datasette, scope)
            await app(scope, receive, send)

        return searched

    return wrap


async def without_facets(datasette, scope):
    args = parse_qsl(scope["query_string"].decode("utf-8", "replace"), keep_blank_values=True)
    names = {key for key, _ in args}
    search = dict(args).get("_search", "").strip()
    if not search or names & {"_nofacet", "_nocount", "_facet", "_searchmode"}:
        return scope
    base = datasette.setting("base_url").rstrip("/")
    path = scope.get("path", "")
    path = path[len(base):] if base and path.startswith(base) else path
    match = TABLE_PATH.fullmatch(path)
    if not match:
        return scope
    try:
        db = datasette.get_database(match["database"])
    except KeyError:
        return scope
    table = match["table"]
    if not await db.table_exists(table):
        return scope
    fts = await db.fts_table(table)
    if not fts:
        return scope
    try:
        found = await db.execute(f"select count(*) from [{fts}] where [{fts}] match escape_fts(:search)",
                                 {"search": search})
    except Exception:  # a query the index cannot read: Datasette's own page says so
        return scope
    matches = found.first()[0]
    if matches <= max_faceted(datasette):
        return scope
    query = urlencode(args + [("_nofacet", "1"), ("_nocount", "1")]).encode()
    return dict(scope, query_string=query, **{SCOPE_KEY: matches})


def max_faceted(datasette):
    return int((datasette.plugin_config("big-searches") or {}).get("max_faceted", MAX_FACETED))


@hookimpl
def extra_template_vars(view_name, request, datasette):
    if view_name != "table" or request is None or SCOPE_KEY not in request.scope:
        return {}
    matches = request.scope[SCOPE_KEY]
    return {"big_search_note": Markup(
        "<strong>{:,}</strong> rows match this search. Searches that match more than {:,} rows are shown "
        "without facets, so the page stays fast: add words, a \"phrase in quotes\" or a filter to narrow it, "
        "or use the <em>search</em> query for the best matches first.").format(matches, max_faceted(datasette))}
