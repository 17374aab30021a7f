"""Real Datasette servers for the browser and publish tests, with the Makefile's flags.

The flags (metadata, plugins, templates and the public archive's settings) come from
`make datasette-flags`, so the tests serve the archive exactly as `make serve` does.
"""

from __future__ import annotations

import shlex
import subprocess
from functools import cache

from publish.check import serve  # noqa: F401  (re-exported for the tests)

from .conftest import ROOT


@cache
def datasette_flags() -> tuple[str, ...]:
    output = subprocess.run(["make", "--no-print-directory", "-s", "-C", str(ROOT), "datasette-flags"],
                            check=True, capture_output=True, text=True).stdout
    return tuple(shlex.split(output))
