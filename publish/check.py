"""Serve an archive exactly as `datasette publish` would, and check that every page answers.

    python -m publish.check archive.db -- -m metadata.yml --plugins-dir plugins ... --setting ...

(`make publish-check` runs this with the Makefile's flags.) Like the Dockerfile that
`datasette publish cloudrun` writes, it runs `datasette inspect` and then serves the
file immutable (`-i`) with that inspect file and `--cors`, plus the given flags, here
on 127.0.0.1 on a free port. Then it fetches the home page, the database page,
every table and view (HTML, JSON, a search where the table has full-text search),
sample row pages, every canned query in the metadata with sample parameters, the
map's scripts and Datasette's own /-/ pages, and checks the settings, immutability
and CORS. Any failure is listed and the exit status is 1. The server is always stopped.
"""

from __future__ import annotations

import contextlib
import json
import re
import shlex
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlencode

import httpx

# Values for canned-query parameters, by parameter name; anything else gets "".
SAMPLE_PARAMETERS = {
    "q": "Hasakeh",
    "phrase": "Kurdish forces",
    "outlet": "afp",
    "from": "2015-06-01",
    "to": "2015-07-31",
    "entity": "Islamic State",
    "name": "Hasakah",
    "place": "Hasakah",
    "actor": "Islamic State",
    "speaker": "Rami Abdel Rahman",
    "event_type": "Battles",
    "type": "GPE",
}
SEARCH_TERM = "Hasakah"
# Tables a reader needs described: a site that serves them bare fails the check.
DESCRIBED = ("articles", "sentences", "entities", "mentions", "events", "event_clusters", "sources")
ROW_SAMPLES = 3


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serve(args: list[str], timeout: float = 60, cwd: Path | None = None):
    """Run `datasette serve ARGS` on 127.0.0.1 on a free port; yield its base URL; always stop it."""
    port = free_port()
    datasette = Path(sys.executable).with_name("datasette")
    command = [str(datasette), "serve", *args, "--host", "127.0.0.1", "--port", str(port)]
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=cwd)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"datasette exited with {process.returncode}:\n{log.read().decode()}")
            try:
                if httpx.get(url + "/-/versions.json", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"datasette did not answer on {url} within {timeout} s")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def published_args(db: Path, inspect_file: Path, flags: list[str]) -> list[str]:
    """The serve arguments of the Dockerfile `datasette publish` writes, with our flags."""
    return ["-i", str(db), "--cors", "--inspect-file", str(inspect_file), *flags]


def settings_in(flags: list[str]) -> dict[str, str]:
    return {flags[i + 1]: flags[i + 2] for i, flag in enumerate(flags) if flag == "--setting"}


def query_parameters(c: "Checker", db_name: str, sql: str, tables: set[str]) -> dict[str, str]:
    """A sample value per parameter: from SAMPLE_PARAMETERS; for a parameter named after a
    table (`event` -> events), the id of that table's first row; otherwise ""."""
    params = {}
    for name in dict.fromkeys(re.findall(r"(?<!:):([A-Za-z_]\w*)", sql)):
        table = next((t for t in (name, name + "s", name[:-1] + "ies") if t in tables), None)
        if name in SAMPLE_PARAMETERS or table is None:
            params[name] = SAMPLE_PARAMETERS.get(name, "")
            continue
        rows = c.json(f"/{db_name}/{quote(table)}.json?_size=1&_shape=array") or [{}]
        params[name] = str(rows[0].get("id", "")) if rows else ""
    return params


class Checker:
    def __init__(self, url: str):
        self.client = httpx.Client(base_url=url, timeout=30)
        self.failures: list[str] = []
        self.warnings: list[str] = []
        self.maps: set[str] = set()
        self.fetched: set[str] = set()
        self.count = 0

    def get(self, path: str, expect: str | None = None, headers: dict | None = None) -> httpx.Response | None:
        self.count += 1
        try:
            response = self.client.get(path, headers=headers)
        except httpx.HTTPError as error:
            self.fail(f"{path}: {error!r}")
            return None
        ok = response.status_code == 200 and (expect is None or expect in response.text)
        print(f"{response.status_code}  {path}" + ("" if ok or response.status_code != 200 else f"  (no {expect!r})"))
        if not ok:
            self.fail(f"{path}: HTTP {response.status_code}" + (f", missing {expect!r}" if expect else ""))
        return response if response.status_code == 200 else None

    def json(self, path: str):
        response = self.get(path)
        if response is None:
            return None
        try:
            return response.json()
        except ValueError:
            self.fail(f"{path}: not JSON")
            return None

    def check(self, condition: bool, message: str) -> None:
        self.count += 1
        print(("ok    " if condition else "FAIL  ") + message)
        if not condition:
            self.failures.append(message)

    def fail(self, message: str) -> None:
        self.failures.append(message)


def check_site(url: str, db_name: str, flags: list[str]) -> Checker:
    c = Checker(url)
    settings = c.json("/-/settings.json") or {}
    for name, value in settings_in(flags).items():
        c.check(str(settings.get(name)).lower() in (value.lower(), str(value == "on").lower()),
                f"setting {name} = {value} (served: {settings.get(name)})")
    databases = c.json("/-/databases.json") or []
    db_info = next((d for d in databases if d["name"] == db_name), {})
    c.check(db_info.get("is_mutable") is False and bool(db_info.get("hash")), f"{db_name} is immutable with a hash")
    plugins = {p["name"] for p in c.json("/-/plugins.json") or []}
    c.check("datasette-cluster-map" in plugins, "datasette-cluster-map is installed")
    for path in ("/", "/-/versions", "/-/metadata.json", f"/{db_name}", f"/{db_name}.json"):
        c.get(path)

    database = c.json(f"/{db_name}.json") or {}
    # What the site serves for this database, whatever its name (plugins/any_name.py gives an
    # archive of any name metadata.yml's archive block): an archive served bare is a failure.
    served = ((c.json("/-/metadata.json") or {}).get("databases") or {}).get(db_name) or {}
    tables_metadata = served.get("tables") or {}
    c.check(bool(served.get("queries")), f"{db_name} is served with its canned queries")
    undescribed = [t for t in DESCRIBED if not (tables_metadata.get(t) or {}).get("description")]
    c.check(bool(served.get("description")) and not undescribed,
            f"{db_name} and its tables are described ({', '.join(undescribed) or 'all'} lack a description)")
    for table in database.get("tables", []):
        if table.get("hidden"):  # FTS internals, build info: served, but nobody browses them
            c.get(f"/{db_name}/{quote(table['name'])}.json?_size=1")
            continue
        check_table(c, db_name, table["name"], table.get("primary_keys") or [], bool(table.get("fts_table")))
    for view in database.get("views", []):
        check_table(c, db_name, view["name"], [], bool(tables_metadata.get(view["name"], {}).get("fts_table")))

    table_names = {t["name"] for t in database.get("tables", [])} | {v["name"] for v in database.get("views", [])}
    queries = served.get("queries") or {}
    for name, query in queries.items():
        sql = query["sql"] if isinstance(query, dict) else query
        params = urlencode(query_parameters(c, db_name, sql, table_names))
        c.get(f"/{db_name}/{quote(name)}" + (f"?{params}" if params else ""))
        rows = c.json(f"/{db_name}/{quote(name)}.json?_shape=array" + (f"&{params}" if params else ""))
        c.check(isinstance(rows, list), f"canned query {name} returns a list of rows ({len(rows or [])})")
        if params:  # as a visitor first opens it, from the home page: no parameters yet
            bare = c.client.get(f"/{db_name}/{quote(name)}")
            c.check(bare.status_code == 200, f"/{db_name}/{quote(name)} without parameters: HTTP {bare.status_code}")

    for table in sorted(c.maps):  # every table and view with coordinates has its map, and its scripts load
        page = c.get(f"/{db_name}/{quote(table)}", expect="datasette-cluster-map.js")
        if page is not None:
            for script in re.findall(r'(/-/static-plugins/[^"\']+\.(?:js|css))', page.text):
                if script not in c.fetched:
                    c.fetched.add(script)
                    c.get(script)
    cors = c.client.get(f"/{db_name}/articles.json?_shape=array&_size=1")
    c.check(cors.headers.get("access-control-allow-origin") == "*", "JSON answers with CORS (published with --cors)")
    return c


def check_table(c: Checker, db_name: str, table: str, pks: list[str], searchable: bool) -> None:
    base = f"/{db_name}/{quote(table)}"
    c.get(base)
    data = c.json(f"{base}.json?_shape=objects&_size={ROW_SAMPLES}&_facet_size=3")
    if data and {"latitude", "longitude"} <= set(data.get("columns", [])):
        c.maps.add(table)
    if searchable:
        c.get(f"{base}?_search={SEARCH_TERM}")
        c.get(f"{base}.json?_search={SEARCH_TERM}&_shape=array")
    if not data or len(pks) != 1:
        return
    for row in data.get("rows", []):
        pk = quote(str(row[pks[0]]), safe="")
        expect = {"articles": 'class="mention', "entities": "entity-page"}.get(table)
        c.get(f"{base}/{pk}", expect=expect)
        c.get(f"{base}/{pk}.json")


def main(argv: list[str]) -> int:
    if "--" in argv:
        split = argv.index("--")
        positional, flags = argv[:split], argv[split + 1:]
    else:
        positional, flags = argv, []
    if len(positional) != 1:
        print(__doc__)
        return 2
    db = Path(positional[0]).resolve()
    if not db.exists():
        print(f"{db}: no such archive; build it first (make build)")
        return 2
    with tempfile.TemporaryDirectory() as folder:
        inspect_file = Path(folder) / "inspect-data.json"
        datasette = str(Path(sys.executable).with_name("datasette"))
        subprocess.run([datasette, "inspect", str(db), "--inspect-file", str(inspect_file)], check=True)
        inspected = json.loads(inspect_file.read_text())
        for name, info in inspected.items():
            print(f"inspect: {name}, {len(info['tables'])} tables")
        args = published_args(db, inspect_file, flags)
        print("datasette serve " + shlex.join(args))
        with serve(args) as url:
            checker = check_site(url, db.stem, flags)
    for warning in checker.warnings:
        print("WARNING  " + warning)
    if checker.failures:
        print(f"\npublish-check FAILED: {len(checker.failures)} of {checker.count} checks")
        for failure in checker.failures:
            print("  " + failure)
        return 1
    print(f"\npublish-check passed: {checker.count} checks, server stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
