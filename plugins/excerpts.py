"""Long text in a table cell as a short excerpt that links to where it is read in full.

An article's body on the articles table is its first lines and a link to the article's
page; an event's sentence (evidence) links to the event's page. The JSON API, CSV and
SQL results keep the full text: this only changes how an HTML table cell shows it.
"""

from datasette import hookimpl
from markupsafe import Markup

EXCERPT = 180
# (table, column): (the table whose row page shows the text in full, the column with that row's id)
LONG_TEXT = {
    ("articles", "body"): ("articles", "id"),
    ("events", "evidence"): ("event_clusters", "cluster_id"),
    ("event_clusters", "evidence"): ("event_clusters", "id"),
    ("event_statements", "evidence"): ("articles", "article_id"),
}
LINK_WORDS = {"articles": "the article", "event_clusters": "the event"}


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    target = LONG_TEXT.get((table, column))
    if target is None or not isinstance(value, str) or len(value) <= EXCERPT:
        return None
    page, id_column = target
    if id_column not in row.keys() or row[id_column] is None:
        return None
    cut = value.rfind(" ", 0, EXCERPT)
    excerpt = value[:cut if cut > EXCERPT // 2 else EXCERPT].rstrip(" ,;:")
    href = datasette.urls.row(database, page, str(row[id_column]))
    return Markup('{}… <a class="excerpt-more" href="{}">read it in {}</a>').format(excerpt, href, LINK_WORDS[page])
