"""Published links outlive merges: the row page of an entity or event cluster merged into
another forwards to the survivor (entity_redirects, cluster_redirects, kept by the build).

/<db>/entities/<id>, its .json and any query string, answer 301 to the same page of
the entity that id went to; an id that never existed or went nowhere stays a 404.
"""

import re

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response

REDIRECTS = {"entities": ("entity_redirects", "entity_id"), "event_clusters": ("cluster_redirects", "cluster_id")}
ROW_PATH = re.compile(r"/(?P<database>[^/]+)/(?P<table>entities|event_clusters)/(?P<id>-?\d+)(?P<format>\.json)?")


@hookimpl(tryfirst=True)
def handle_exception(datasette, request, exception):
    if not isinstance(exception, NotFound):
        return None
    base = datasette.setting("base_url").rstrip("/")
    path = request.path[len(base):] if base and request.path.startswith(base) else request.path
    match = ROW_PATH.fullmatch(path)
    if not match:
        return None

    async def forward():
        try:
            database = datasette.get_database(match["database"])
        except KeyError:
            return None
        table, column = REDIRECTS[match["table"]]
        if not await database.table_exists(table):
            return None
        row = (await database.execute(f"select {column} from {table} where id = ?", [int(match["id"])])).first()
        if row is None:
            return None
        target = datasette.urls.row(match["database"], match["table"], str(row[0]), format=(match["format"] or "")[1:] or None)
        if request.query_string:
            target += "?" + request.query_string
        return Response.redirect(target, status=301)

    return forward
