"""The home page lists every table, view and canned query of each database, with its description.

Datasette's default home page shows only the five largest tables; a reader of the
archive should see at once what is there: articles, entities, the map, the searches.
"""

import hashlib

from datasette import hookimpl


@hookimpl
def extra_template_vars(view_name, request, datasette):
    if view_name != "index":
        return {}

    async def home_vars():
        return {"home_contents": [await contents(datasette, name, request) for name in datasette.databases
                                  if name != "_internal"]}

    return home_vars


async def contents(datasette, name, request):
    db = datasette.get_database(name)
    hidden = set(await db.hidden_table_names())
    tables = [t for t in await db.table_names() if t not in hidden]
    counts = await db.table_counts(limit=10)
    entries = []
    for kind, names in (("table", tables), ("view", await db.view_names())):
        for table in names:
            metadata = datasette.table_metadata(name, table)
            if metadata.get("hidden"):
                continue
            entries.append({"name": table, "kind": kind, "count": counts.get(table),
                            "description": metadata.get("description") or "",
                            "url": datasette.urls.table(name, table)})
    queries = await datasette.get_canned_queries(name, request.actor if request else None)
    # In the order metadata.yml describes them, then the rest by name.
    described = list(((datasette.metadata("databases") or {}).get(name) or {}).get("tables") or {})
    entries.sort(key=lambda e: (described.index(e["name"]) if e["name"] in described else len(described), e["name"]))
    return {
        "name": name,
        "color": db.hash[:6] if db.hash else hashlib.md5(name.encode("utf8")).hexdigest()[:6],  # as Datasette's
        "tables": entries,
        "queries": [{"name": query, "title": config.get("title") or query,
                     "description": config.get("description") or "",
                     "url": datasette.urls.query(name, query)}
                    for query, config in queries.items()],
    }
