"""The build command. build_db.py and the newsarchive-build script both run main()."""

from __future__ import annotations

from pathlib import Path

import click

from .build import build
from .nlp import DEFAULT_MODEL, ModelNotAvailable

PROGRESS_FROM = 20  # show a progress bar when at least this many articles need the model


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("sources", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--db", "db_path", default="archive.db", show_default=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The SQLite archive to create or update. It is replaced atomically when the build succeeds.")
@click.option("--rebuild", is_flag=True,
              help="Rebuild from scratch: ignore the previous archive and re-analyse every article with spaCy.")
@click.option("--model", default=DEFAULT_MODEL, show_default=True,
              help="The installed spaCy pipeline to use for sentences and entities.")
@click.option("--quiet", "-q", is_flag=True, help="Print only problems (skipped files) and errors, no progress or summary.")
def main(sources: tuple[Path, ...], db_path: Path, rebuild: bool, model: str, quiet: bool) -> None:
    """Build a searchable SQLite news archive from SOURCES (folders or files; default: seeds/).

    Reads .txt pages (text scraped from web pages, boilerplate and all), .html
    pages and .jsonl files (one JSON object per line with title, body or text,
    and optional url, published and source). A second run over the same input
    changes nothing and takes well under a second; new, changed and removed
    files update only their rows. Files that cannot be read are skipped with
    a line saying why.
    """
    if not sources:
        default = Path("seeds")
        if not default.exists():
            raise click.UsageError("no SOURCES given and there is no seeds/ folder here")
        sources = (default,)

    def progress(total: int):
        if quiet or total < PROGRESS_FROM:
            return lambda n: None
        bar = click.progressbar(length=total, label="Analysing articles", file=click.get_text_stream("stderr"))
        bar.__enter__()
        def tick(n: int) -> None:
            bar.update(n)
            if bar.pos >= total:
                bar.__exit__(None, None, None)
        return tick

    try:
        report = build(list(sources), db_path, model=model, rebuild=rebuild, progress=progress)
    except ModelNotAvailable as error:
        raise click.ClickException(str(error))
    for skip in report.skipped:
        click.echo(f"skipped {skip.where}: {skip.reason}", err=True)
    if quiet:
        return
    if report.up_to_date:
        click.echo(f"{db_path} is up to date ({report.articles} articles, {len(report.skipped)} skipped, "
                   f"{report.seconds:.2f} s)")
        return
    counts = ", ".join(f"{value} {name}" for name, value in report.counts().items())
    click.echo(f"Built {db_path}: {counts}; {report.analysed} analysed by spaCy, {len(report.skipped)} skipped files; "
               f"{report.seconds:.1f} s")
