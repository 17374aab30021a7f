"""The curated data files in data/, read once per process with libyaml's fast loader when it is there."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

def _data_folder() -> Path:
    """data/ beside the package in a checkout; inside it (newsarchive/data) once installed by pip."""
    installed = Path(__file__).resolve().parent / "data"
    return installed if installed.is_dir() else Path(__file__).resolve().parent.parent / "data"


DATA = _data_folder()
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> dict:
    """A YAML file's content ({} when the file is missing)."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=LOADER) if path.exists() else {}


@lru_cache(maxsize=None)
def load(name: str) -> dict:
    """The parsed YAML of data/<name>, read once. Shared between callers: do not modify it."""
    return read_yaml(DATA / name)
