"""Show an entity's `aliases` (a JSON array) as a readable, comma-separated list.

Only on HTML pages: the JSON API keeps the raw JSON text. Every alias is escaped.
"""

import json

from datasette import hookimpl
from markupsafe import Markup, escape


@hookimpl
def render_cell(value, column):
    if column != "aliases" or not isinstance(value, str):
        return None
    try:
        aliases = json.loads(value)
    except ValueError:
        return None
    if not isinstance(aliases, list):
        return None
    return Markup(", ").join(Markup('<span class="alias">{}</span>').format(str(alias)) for alias in aliases) \
        or escape("(none)")
