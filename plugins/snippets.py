"""Show search snippets with the matched words highlighted.

Canned queries mark matches with **double asterisks** (readable as plain text in
the JSON API); on HTML pages they become <mark> elements. The text is escaped
first, so article content can never inject markup.
"""

import re

from datasette import hookimpl
from markupsafe import Markup, escape

MARKED = re.compile(r"\*\*(.+?)\*\*", re.S)


@hookimpl
def render_cell(value, column):
    if column != "snippet" or not isinstance(value, str):
        return None
    return Markup(MARKED.sub(lambda m: f"<mark>{m.group(1)}</mark>", str(escape(value))))
