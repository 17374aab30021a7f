"""Stable integer ids: the same input gives the same id in every build, so published links keep working."""

import hashlib


def stable_id(*parts: object) -> int:
    """A positive 52-bit integer from the parts: fits SQLite's INTEGER and JavaScript's safe integers."""
    digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode("utf-8")).hexdigest()
    return int(digest[:13], 16)
