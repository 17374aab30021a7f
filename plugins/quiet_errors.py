"""An error a visitor causes costs the server a log line, not seconds.

When the `rich` package is installed (spaCy's command line brings it), Datasette
0.65's default error handler prints every error, a query that ran out of time or
a malformed `_size=` included, as a traceback with all local variables: about
two seconds of the event loop each, during which no other page is served, so a
few clients looping a slow query stalled everyone. Without rich it prints what it
did before: nothing for the errors a request causes (400s: a bad parameter, a
query error or timeout, which Datasette also logs in one line), Python's plain
traceback for a server error (500).
"""

import datasette.handle_exception

datasette.handle_exception.rich = None
