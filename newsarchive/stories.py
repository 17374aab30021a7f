"""Copies of one story: articles whose texts are near-duplicates share a story_id.

Wire copy is republished with light edits (a new headline, "ISIS" for "Daesh",
British spelling, a paragraph cut). MinHash over word shingles estimates the
Jaccard similarity of two texts' shingle sets; locality-sensitive hashing (LSH)
finds the candidate pairs without comparing every pair.

This is datasketch's MinHash (its default "affine32" scheme: SHA-1 of each shingle,
the MurmurHash3 finalizer, then 128 seeded permutations a*h+b mod 2^32), value for value,
and its LSH banding for the threshold (37 bands of 3 rows), in a few lines of NumPy:
importing datasketch pulls in SciPy, which costs every build and every worker process
most of a second.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict

import numpy as np

SHINGLE_WORDS = 3
NUM_PERM = 128
# Measured on the seeds with 3-word shingles: the two copies of one AFP story
# (one says "ISIS", the other "Daesh", with British spelling and a cut ending)
# score 0.59; reports of the same battle by different outlets score at most
# 0.03. 0.3 sits well between, so heavier rewrites still group while separate
# reporting of one event does not.
THRESHOLD = 0.3
BANDS, ROWS = 37, 3  # datasketch's optimal LSH parameters for threshold 0.3 and 128 permutations
_random = np.random.RandomState(1)  # datasketch's seed=1 permutations
PERMUTATIONS = (_random.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1),
                _random.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32))
CHUNK = 4096  # shingles hashed at a time: a huge article does not need a huge matrix


def _fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, a fixed bijection that spreads the input hashes."""
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    return values ^ (values >> np.uint32(16))


def shingles(text: str) -> set[str]:
    tokens = re.findall(r"\w+", text.lower())
    return {" ".join(tokens[i:i + SHINGLE_WORDS]) for i in range(max(1, len(tokens) - SHINGLE_WORDS + 1))}


def signature(text: str) -> bytes:
    """The body's MinHash (128 32-bit values) as bytes: kept per article, so grouping never re-reads bodies."""
    a, b = PERMUTATIONS
    values = np.full(NUM_PERM, np.iinfo(np.uint32).max, dtype=np.uint32)
    hashes = np.fromiter((int.from_bytes(hashlib.sha1(s.encode("utf-8", "surrogatepass")).digest()[:4], "little")
                          for s in shingles(text)), dtype=np.uint32)
    for start in range(0, len(hashes), CHUNK):
        chunk = _fmix32(hashes[start:start + CHUNK])[:, None]
        values = np.minimum(values, (chunk * a + b).min(axis=0))  # uint32 arithmetic wraps: mod 2^32
    return values.tobytes()


# The most stories one article is compared with in one LSH bucket: bounds the cost of a
# bucket of many texts that share a band but are not near-duplicates of each other.
MAX_COMPARED = 64


def story_ids(signatures: dict[int, bytes], threshold: float = THRESHOLD) -> dict[int, int]:
    """article id -> story id: the smallest article id among its near-duplicates (itself when unique).

    Two articles are candidates when all 3 values of one of 37 bands agree; a candidate
    pair is one story when its estimated similarity reaches the threshold, and stories
    are the connected groups of such pairs. A pair already in one story is not compared.
    """
    ids = sorted(signatures)
    if not ids:
        return {}
    matrix = np.frombuffer(b"".join(signatures[i] for i in ids), dtype=np.uint32).reshape(len(ids), NUM_PERM)
    parent = list(range(len(ids)))

    def root(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for band in range(BANDS):
        keys = np.ascontiguousarray(matrix[:, band * ROWS:(band + 1) * ROWS]).view(np.dtype((np.void, 4 * ROWS))).ravel()
        _, bucket_of, sizes = np.unique(keys, return_inverse=True, return_counts=True)
        shared = np.flatnonzero(sizes[bucket_of] > 1)  # only articles that share the band with another
        buckets = defaultdict(list)
        for index in shared.tolist():
            buckets[bucket_of[index]].append(index)
        for members in buckets.values():
            # Each member is compared with one representative of each story the bucket holds so
            # far (the latest MAX_COMPARED of them), not with every member: a bucket of 2,000
            # copies of one text costs 2,000 comparisons, not 2 million.
            representatives: dict[int, int] = {}  # story root -> a member of that story in this bucket
            for member in members:
                others = [r for g, r in representatives.items() if g != root(member)][-MAX_COMPARED:]
                if others:
                    similar = (matrix[others] == matrix[member]).mean(axis=1) >= threshold
                    for other in np.asarray(others)[similar].tolist():
                        a, b = root(member), root(other)
                        if a != b:
                            parent[max(a, b)] = min(a, b)
                representatives = {root(r): r for r in representatives.values()}
                representatives.setdefault(root(member), member)
    return {article_id: ids[root(index)] for index, article_id in enumerate(ids)}
