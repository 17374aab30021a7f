"""The build command. build_db.py and the newsarchive-build script both run main()."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .build import BuildError, build
from .nlp import DEFAULT_MODEL, ModelNotAvailable


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("sources", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--db", "db_path", default="archive.db", show_default=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The SQLite archive to create or update, in one transaction: readers never see a half-built archive.")
@click.option("--rebuild", is_flag=True,
              help="Rebuild from scratch into a new file: ignore the previous archive and its cache, re-analyse every article.")
@click.option("--model", default=DEFAULT_MODEL, show_default=True,
              help="The installed spaCy pipeline to use for sentences and entities.")
@click.option("--workers", "-j", type=click.IntRange(min=1), default=None,
              help=f"Processes running the model in parallel, each loading it once. Default: every core ({os.cpu_count()}).")
@click.option("--scheduler", metavar="ADDRESS", default=None,
              help="Send the model's work to a running Dask cluster, e.g. tcp://10.0.0.5:8786 "
                   "(pip install 'newsarchive[dask]'). The merge and the write stay on this machine.")
@click.option("--quiet", "-q", is_flag=True, help="Print only problems (skipped files) and errors, no progress or summary.")
def main(sources: tuple[Path, ...], db_path: Path, rebuild: bool, model: str, workers: int | None,
         scheduler: str | None, quiet: bool) -> None:
    """Build a searchable SQLite news archive from SOURCES (folders or files; default: seeds/).

    Reads .txt pages (text scraped from web pages, boilerplate and all), .html
    pages and .jsonl files (one JSON object per line with title, body or text,
    and optional url, published and source). A second run over the same input
    changes nothing and takes well under a second; new, changed and removed
    files update only their rows. Files that cannot be read are skipped with
    a line saying why.
    """
    # The build's own numpy work is small (language identification, the Doc cache): OpenBLAS's
    # threads only spin against the model's processes. With 2 workers on 250 articles they
    # cost the main process 2.5 of its 6 CPU seconds. Set before numpy loads; workers inherit it.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    if not sources:
        default = Path("seeds")
        if not default.exists():
            raise click.UsageError("no SOURCES given and there is no seeds/ folder here")
        sources = (default,)
    try:
        report = build(list(sources), db_path, model=model, rebuild=rebuild, workers=workers, scheduler=scheduler,
                       progress=not quiet)
    except (ModelNotAvailable, BuildError) as error:
        raise click.ClickException(str(error))
    for skip in report.skipped:
        click.echo(f"skipped {skip.where}: {skip.reason}", err=True)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    if quiet:
        return
    if report.up_to_date:
        click.echo(f"{db_path} is up to date ({report.articles} articles, {len(report.skipped)} skipped, "
                   f"{report.seconds:.2f} s)")
        return
    counts = ", ".join(f"{value} {name}" for name, value in report.counts().items())
    click.echo(f"Built {db_path}: {counts}")
    click.echo(f"  {report.changed} articles added or changed, {report.removed} removed, {report.analysed} analysed by "
               f"the model, {len(report.skipped)} skipped files; {report.seconds:.1f} s")
    click.echo("  " + ", ".join(f"{stage} {seconds:.1f} s" for stage, seconds in report.stages.items()))


def run() -> None:
    """The command line's entry point: main(), then exit without tearing the heap down.

    At exit the interpreter frees the model, the place index and every cached object one
    by one: half a second, as long as adding one article to a large archive takes in all
    otherwise. By then the archive and the cache are committed and closed, the workers
    stopped; only the output streams need flushing. Under a profiler or a coverage tracer
    the normal exit is kept: they write their results as the interpreter exits.
    """
    try:
        main()
        code = 0
    except SystemExit as done:
        code = done.code
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    if sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(code)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)
