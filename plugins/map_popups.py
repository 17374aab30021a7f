"""Show a map `popup` column (JSON for datasette-cluster-map) as its title and description.

The map itself reads the raw JSON through the JSON API; on HTML tables the cell
shows the readable text (the row's own name or id column links to the place).
"""

import json

from datasette import hookimpl
from markupsafe import Markup


@hookimpl
def render_cell(value, column):
    if column != "popup" or not isinstance(value, str):
        return None
    try:
        popup = json.loads(value)
    except ValueError:
        return None
    if not isinstance(popup, dict) or not popup.get("title"):
        return None
    text = Markup("<strong>{}</strong>").format(popup["title"])
    if popup.get("description"):
        text += Markup(": {}").format(popup["description"])
    return text
