"""Copies of one story: articles whose texts are near-duplicates share a story_id.

Wire copy is republished with light edits (a new headline, "ISIS" for "Daesh",
British spelling, a paragraph cut). MinHash over word shingles estimates the
Jaccard similarity of two texts' shingle sets; LSH finds the candidate pairs
without comparing every pair.
"""

from __future__ import annotations

import re
import zlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datasketch import MinHash

SHINGLE_WORDS = 3
NUM_PERM = 128
# Measured on the seeds with 3-word shingles: the two copies of one AFP story
# (one says "ISIS", the other "Daesh", with British spelling and a cut ending)
# score 0.59; reports of the same battle by different outlets score at most
# 0.03. 0.3 sits well between, so heavier rewrites still group while separate
# reporting of one event does not.
THRESHOLD = 0.3
SCHEME = "affine32"  # datasketch 2's default hash family; signatures kept on disk must say which they used


def shingles(text: str) -> set[str]:
    tokens = re.findall(r"\w+", text.lower())
    return {" ".join(tokens[i:i + SHINGLE_WORDS]) for i in range(max(1, len(tokens) - SHINGLE_WORDS + 1))}


def minhash(text: str) -> MinHash:
    from datasketch import MinHash

    signature = MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME, hashfunc=zlib.crc32)  # C-speed 32-bit hash
    signature.update_batch([shingle.encode("utf-8") for shingle in sorted(shingles(text))])
    return signature


def signature(text: str) -> bytes:
    """The body's MinHash as bytes: kept per article, so grouping never re-reads the bodies."""
    return minhash(text).hashvalues.tobytes()


def from_signature(data: bytes) -> MinHash:
    import numpy as np
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=1, hashvalues=np.frombuffer(data, dtype=np.uint32), scheme=SCHEME,
                   hashfunc=zlib.crc32)


def story_ids(signatures: dict[int, bytes], threshold: float = THRESHOLD) -> dict[int, int]:
    """article id -> story id: the smallest article id among its near-duplicates (itself when unique).

    LSH finds the candidate pairs; a pair already in one story is not compared again.
    """
    from datasketch import MinHashLSH

    signatures = {article_id: from_signature(data) for article_id, data in signatures.items()}
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    for article_id, signature in signatures.items():
        lsh.insert(article_id, signature)
    parent = {article_id: article_id for article_id in signatures}

    def root(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for article_id, signature in sorted(signatures.items()):
        for other in lsh.query(signature):
            a, b = root(article_id), root(other)
            if a != b and signature.jaccard(signatures[other]) >= threshold:
                parent[max(a, b)] = min(a, b)
    return {article_id: root(article_id) for article_id in signatures}
