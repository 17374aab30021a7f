"""The columns a reader needs first, on the wide tables' HTML pages; every column one click away.

The events table has 20 columns (2,975 px wide); a reader wants what, who, where, when,
the toll and the sentence. A table with a column set in metadata.yml (`plugins:
column-sets: columns: [...]` under the table) is shown with those columns, in that order, unless the
address names its own (`_col`, `_nocol`); "show every column" adds `_allcols=1`. Only
HTML pages change: .json and .csv, and the map (which reads the JSON), keep every column.
"""

import re
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl
from markupsafe import Markup

TABLE_PAGE = re.compile(r"/(?P<database>[^/]+)/(?P<table>[^/.]+)")
SCOPE_KEY = "newsarchive.column_set"
CHOSEN = {"_col", "_nocol"}


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def with_column_set(scope, receive, send):
            if scope.get("type") == "http":
                scope = column_set(datasette, scope)
            await app(scope, receive, send)

        return with_column_set

    return wrap


def column_set(datasette, scope):
    base = datasette.setting("base_url").rstrip("/")
    path = scope.get("path", "")
    path = path[len(base):] if base and path.startswith(base) else path
    match = TABLE_PAGE.fullmatch(path)
    if not match or match["database"] not in datasette.databases:
        return scope
    args = parse_qsl(scope.get("query_string", b"").decode("utf-8", "replace"), keep_blank_values=True)
    names = {key for key, _ in args}
    if "_allcols" in names:  # every column: drop our flag, Datasette does not know it
        kept = [(key, value) for key, value in args if key != "_allcols"]
        return dict(scope, query_string=urlencode(kept).encode())
    if names & CHOSEN:
        return scope
    config = datasette.plugin_config("column-sets", database=match["database"], table=match["table"]) or {}
    columns = config.get("columns")
    if not columns:
        return scope
    query = urlencode(args + [("_col", column) for column in columns]).encode()
    return dict(scope, query_string=query, **{SCOPE_KEY: list(columns)})


@hookimpl
def extra_template_vars(view_name, request):
    if view_name != "table" or request is None or SCOPE_KEY not in request.scope:
        return {}
    args = [(key, value) for key, value in parse_qsl(request.query_string, keep_blank_values=True)
            if key != "_col"]
    href = request.path + "?" + urlencode(args + [("_allcols", "1")])
    return {"column_set_note": Markup('Showing the columns most readers need. <a class="all-columns" href="{}">Show every column</a>')
            .format(href)}
