#!/usr/bin/env python3
"""Writes sdk/test/vectors.json from an independent Python implementation of the assignment
spec (hashVersion 1, shared/DESIGN.md). MurmurHash3_x86_32 below is transcribed from Austin
Appleby's reference C++ (smhasher, MurmurHash3.cpp), not from the JS `murmurhash` package, so
the TypeScript SDK is checked against a second implementation. Condition cases are hand
written (their expected values are the documented semantics). Run: python3 sdk/test/generate-vectors.py
"""
import json
import os

SPEC_VERSION = 1


def murmur3_x86_32(data: bytes, seed: int = 0) -> int:
    c1, c2 = 0xCC9E2D51, 0x1B873593
    h1 = seed & 0xFFFFFFFF
    nblocks = len(data) // 4
    for i in range(nblocks):
        k1 = int.from_bytes(data[4 * i : 4 * i + 4], "little")
        k1 = (k1 * c1) & 0xFFFFFFFF
        k1 = ((k1 << 15) | (k1 >> 17)) & 0xFFFFFFFF
        k1 = (k1 * c2) & 0xFFFFFFFF
        h1 ^= k1
        h1 = ((h1 << 13) | (h1 >> 19)) & 0xFFFFFFFF
        h1 = (h1 * 5 + 0xE6546B64) & 0xFFFFFFFF
    tail = data[4 * nblocks :]
    k1 = 0
    if len(tail) >= 3:
        k1 ^= tail[2] << 16
    if len(tail) >= 2:
        k1 ^= tail[1] << 8
    if len(tail) >= 1:
        k1 ^= tail[0]
        k1 = (k1 * c1) & 0xFFFFFFFF
        k1 = ((k1 << 15) | (k1 >> 17)) & 0xFFFFFFFF
        k1 = (k1 * c2) & 0xFFFFFFFF
        h1 ^= k1
    h1 ^= len(data)
    h1 ^= h1 >> 16
    h1 = (h1 * 0x85EBCA6B) & 0xFFFFFFFF
    h1 ^= h1 >> 13
    h1 = (h1 * 0xC2B2AE35) & 0xFFFFFFFF
    h1 ^= h1 >> 16
    return h1


def utf8(text: str) -> bytes:
    # WHATWG TextEncoder: lone surrogates become U+FFFD.
    return "".join("\ufffd" if 0xD800 <= ord(ch) <= 0xDFFF else ch for ch in text).encode("utf-8")


def unit(text: str) -> float:
    return murmur3_x86_32(utf8(text)) / 2**32


def bucket_ranges(weights, coverage):
    cov = min(max(coverage, 0.0), 1.0)
    ranges, start = [], 0.0
    for w in weights:
        w = w if w > 0 else 0.0
        ranges.append([start, start + cov * w])
        start += w
    return ranges


def unit_id_of(user, attr):
    raw = user.get(attr or "id")
    if isinstance(raw, str):
        return raw or None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return str(raw)  # only integers are used in the vectors (JS String(42) == "42")
    return None


def assign(exp, user, condition_matches=True):
    def res(i, inexp, reason, uid):
        v = exp["variants"][i] if exp else None
        return {
            "inExperiment": inexp,
            "variant": v["key"] if v else None,
            "payload": v.get("payload") if v else None,
            "reason": reason,
            "unitId": uid,
        }

    if not exp or exp.get("active") is False or exp.get("hashVersion") != 1 or not exp["variants"]:
        return res(0, False, "not-running", None)
    uid = unit_id_of(user, exp["unitAttribute"])
    if uid is None:
        return res(0, False, "no-unit-id", None)
    forced = (exp.get("forced") or {}).get(uid)
    keys = [v["key"] for v in exp["variants"]]
    if forced in keys:
        return res(keys.index(forced), True, "forced", uid)
    if exp.get("condition") and not condition_matches:
        return res(0, False, "targeting", uid)
    layer = exp.get("layer")
    if layer:
        lu = unit(f"layer:{layer['key']}:{uid}")
        if not (layer["range"][0] <= lu < layer["range"][1]):
            return res(0, False, "layer", uid)
    u = unit(f"{exp.get('seed') or exp['key']}:{uid}")
    for i, (lo, hi) in enumerate(bucket_ranges([v["weight"] for v in exp["variants"]], exp["coverage"])):
        if lo <= u < hi:
            return res(i, True, "assigned", uid)
    return res(0, False, "coverage", uid)


HASH_INPUTS = [
    ("empty", ""),
    ("single-byte", "a"),
    ("mmh3-readme-foo", "foo"),
    ("hello", "hello"),
    ("four-bytes", "abcd"),
    ("five-bytes", "abcde"),
    ("ascii-key", "new-checkout:user-1"),
    ("latin1-two-byte", "üser_é"),
    ("cjk-three-byte", "用户-42"),
    ("emoji-four-byte", "🧪🚀"),
    ("emoji-zwj-sequence", "👩‍💻"),
    ("lone-surrogate-is-replacement-char", "id-\ud800"),
    ("long-non-ascii-grows-buffer", "é" * 300 + "🙂" * 50),
]

UNIT_INPUTS = [
    ("ascii", "new-checkout", "user-1"),
    ("ascii-2", "new-checkout", "user-2"),
    ("empty-unit-id", "exp", ""),
    ("non-ascii", "pricing", "üser_é"),
    ("emoji", "pricing", "🦄-1"),
    ("seed-with-colon", "a:b", "c"),
]

BUCKETS = [
    ("two-even-full", [0.5, 0.5], 1),
    ("two-even-half-coverage", [0.5, 0.5], 0.5),
    ("ten-ninety", [0.1, 0.9], 1),
    ("three-thirds", [1 / 3, 1 / 3, 1 / 3], 1),
    ("three-uneven-coverage-0.2", [0.2, 0.3, 0.5], 0.2),
    ("zero-coverage", [0.5, 0.5], 0),
    ("coverage-above-one-clamped", [0.5, 0.5], 1.5),
    ("negative-weight-is-zero", [-0.5, 1], 1),
]

CONDITIONS = [
    ("empty-matches-all", {}, {"id": "u"}, True),
    ("equality-bare-value", {"country": "US"}, {"country": "US"}, True),
    ("equality-mismatch", {"country": "US"}, {"country": "CA"}, False),
    ("missing-attribute-equality", {"country": "US"}, {}, False),
    ("$eq", {"plan": {"$eq": "pro"}}, {"plan": "pro"}, True),
    ("$ne-missing-attribute", {"plan": {"$ne": "pro"}}, {}, True),
    ("$in", {"country": {"$in": ["US", "CA"]}}, {"country": "CA"}, True),
    ("$in-miss", {"country": {"$in": ["US", "CA"]}}, {"country": "DE"}, False),
    ("$in-array-attribute-intersects", {"tags": {"$in": ["beta"]}}, {"tags": ["alpha", "beta"]}, True),
    ("$nin", {"country": {"$nin": ["US"]}}, {"country": "DE"}, True),
    ("$nin-hit", {"country": {"$nin": ["US"]}}, {"country": "US"}, False),
    ("$gt-number", {"age": {"$gt": 18}}, {"age": 19}, True),
    ("$gte-boundary", {"age": {"$gte": 18}}, {"age": 18}, True),
    ("$lt-false", {"age": {"$lt": 18}}, {"age": 18}, False),
    ("$lte-boundary", {"age": {"$lte": 18}}, {"age": 18}, True),
    ("range-both-ends", {"age": {"$gte": 18, "$lt": 65}}, {"age": 64}, True),
    ("no-type-coercion", {"age": {"$gte": 18}}, {"age": "30"}, False),
    ("$gt-strings-compare-by-code-unit", {"version": {"$gt": "2.0"}}, {"version": "2.1"}, True),
    ("$exists-true", {"email": {"$exists": True}}, {"email": "a@b.c"}, True),
    ("$exists-true-null", {"email": {"$exists": True}}, {"email": None}, False),
    ("$exists-false", {"email": {"$exists": False}}, {}, True),
    ("$regex", {"email": {"$regex": "@example\\.com$"}}, {"email": "ann@example.com"}, True),
    ("$regex-non-string", {"email": {"$regex": "1"}}, {"email": 1}, False),
    ("$regex-invalid-fails-closed", {"email": {"$regex": "("}}, {"email": "("}, False),
    ("$not-operator", {"country": {"$not": {"$in": ["US"]}}}, {"country": "DE"}, True),
    ("$not-top-level", {"$not": {"country": "US"}}, {"country": "US"}, False),
    ("$and", {"$and": [{"country": "US"}, {"age": {"$gte": 18}}]}, {"country": "US", "age": 20}, True),
    ("$and-one-fails", {"$and": [{"country": "US"}, {"age": {"$gte": 18}}]}, {"country": "US", "age": 17}, False),
    ("$or", {"$or": [{"country": "US"}, {"country": "CA"}]}, {"country": "CA"}, True),
    ("$or-none", {"$or": [{"country": "US"}, {"country": "CA"}]}, {"country": "DE"}, False),
    ("$or-empty-is-invalid-fails-closed", {"$or": []}, {}, False),
    ("nested-path", {"address.country": "FR"}, {"address": {"country": "FR"}}, True),
    ("unknown-operator-fails-closed", {"age": {"$between": [1, 2]}}, {"age": 1}, False),
    ("unknown-top-level-operator-fails-closed", {"$nor": [{"a": 1}]}, {"a": 2}, False),
    ("bool-equality", {"beta": True}, {"beta": True}, True),
    ("array-deep-equality", {"tags": ["a", "b"]}, {"tags": ["a", "b"]}, True),
    ("non-ascii-values", {"city": {"$in": ["Zürich", "東京"]}}, {"city": "東京"}, True),
]


def exp(key, **kw):
    base = {
        "key": key,
        "seed": key,
        "hashVersion": 1,
        "unitAttribute": "id",
        "variants": [
            {"key": "control", "weight": 0.5, "payload": {"color": "grey"}},
            {"key": "treatment", "weight": 0.5, "payload": {"color": "green"}},
        ],
        "coverage": 1,
    }
    base.update(kw)
    return base


LAYERED = exp("layered", layer={"key": "checkout", "range": [0.25, 0.5]})
TEN_NINETY = exp("ten-ninety", variants=[{"key": "a", "weight": 0.1}, {"key": "b", "weight": 0.9}])
THREE = exp(
    "three-way",
    seed="three-way-seed",
    variants=[{"key": "a", "weight": 0.2}, {"key": "b", "weight": 0.3}, {"key": "c", "weight": 0.5}],
    coverage=0.8,
)
TARGETED = exp("targeted", condition={"country": {"$in": ["US", "CA"]}})
FORCED = exp("forced", forced={"qa-1": "treatment", "qa-2": "no-such-variant"})


def find_user(experiment, reason, prefix, want_variant=None, start=0):
    for i in range(start, start + 100000):
        uid = f"{prefix}{i}"
        r = assign(experiment, {"id": uid})
        if r["reason"] == reason and (want_variant is None or r["variant"] == want_variant):
            return uid
    raise RuntimeError("no user found")


ASSIGNMENTS = [
    ("assigned-basic-1", exp("new-checkout"), {"id": "user-1"}, True),
    ("assigned-basic-2", exp("new-checkout"), {"id": "user-2"}, True),
    ("assigned-basic-3", exp("new-checkout"), {"id": "user-3"}, True),
    ("assigned-non-ascii-id", exp("new-checkout"), {"id": "üser_é"}, True),
    ("assigned-emoji-id", exp("new-checkout"), {"id": "🦄🌈"}, True),
    ("assigned-numeric-id", exp("new-checkout"), {"id": 12345}, True),
    ("seed-differs-from-key", exp("new-checkout", seed="other-seed"), {"id": "user-1"}, True),
    ("custom-unit-attribute", exp("device-test", unitAttribute="deviceId"), {"id": "u", "deviceId": "dev-9"}, True),
    ("no-unit-id-missing", exp("new-checkout"), {"country": "US"}, True),
    ("no-unit-id-empty-string", exp("new-checkout"), {"id": ""}, True),
    ("no-unit-id-not-a-string", exp("new-checkout"), {"id": {"nested": 1}}, True),
    ("not-running-unknown-experiment", None, {"id": "user-1"}, True),
    ("not-running-inactive", exp("paused", active=False), {"id": "user-1"}, True),
    ("not-running-unknown-hash-version", exp("future", hashVersion=2), {"id": "user-1"}, True),
    ("forced-override", FORCED, {"id": "qa-1"}, True),
    ("forced-beats-targeting", dict(FORCED, condition={"country": "US"}), {"id": "qa-1", "country": "DE"}, False),
    ("forced-unknown-variant-falls-through", FORCED, {"id": "qa-2"}, True),
    ("targeting-match", TARGETED, {"id": "user-1", "country": "US"}, True),
    ("targeting-miss", TARGETED, {"id": "user-1", "country": "DE"}, False),
    ("layer-inside", LAYERED, {"id": find_user(LAYERED, "assigned", "lay-")}, True),
    ("layer-outside", LAYERED, {"id": find_user(LAYERED, "layer", "lay-")}, True),
    ("coverage-zero", exp("no-traffic", coverage=0), {"id": "user-1"}, True),
    ("three-way-coverage-in", THREE, {"id": find_user(THREE, "assigned", "tw-", "c")}, True),
    ("three-way-coverage-out", THREE, {"id": find_user(THREE, "coverage", "tw-")}, True),
    ("ten-ninety-minority", TEN_NINETY, {"id": find_user(TEN_NINETY, "assigned", "tn-", "a")}, True),
    ("ten-ninety-majority", TEN_NINETY, {"id": find_user(TEN_NINETY, "assigned", "tn-", "b")}, True),
]


def main():
    out = {
        "specVersion": SPEC_VERSION,
        "hashVersion": 1,
        "description": "Assignment spec vectors (shared/DESIGN.md). Generated by sdk/test/generate-vectors.py "
        "from an independent Python implementation; every SDK port must reproduce every case.",
        "hash": [
            {"name": n, "input": s, "utf8Hex": utf8(s).hex(), "expected": murmur3_x86_32(utf8(s))}
            for n, s in HASH_INPUTS
        ],
        "hashToUnit": [
            {"name": n, "seed": seed, "unitId": uid, "expected": unit(f"{seed}:{uid}")}
            for n, seed, uid in UNIT_INPUTS
        ],
        "layerHash": [
            {"name": "layer-ascii", "layerKey": "checkout", "unitId": "user-1", "expected": unit("layer:checkout:user-1")},
            {"name": "layer-emoji", "layerKey": "checkout", "unitId": "🦄", "expected": unit("layer:checkout:🦄")},
        ],
        "bucketRanges": [
            {"name": n, "weights": w, "coverage": c, "expected": bucket_ranges(w, c)} for n, w, c in BUCKETS
        ],
        "conditions": [
            {"name": n, "condition": c, "attributes": a, "expected": e} for n, c, a, e in CONDITIONS
        ],
        "assignments": [
            {"name": n, "experiment": e, "user": u, "expected": assign(e, u, m)} for n, e, u, m in ASSIGNMENTS
        ],
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vectors.json")
    with open(path, "w", encoding="utf-8") as f:
        text = json.dumps(out, ensure_ascii=False, indent=2)
        # Lone surrogates cannot be written as UTF-8: keep them as JSON \\uXXXX escapes.
        text = "".join(f"\\u{ord(ch):04x}" if 0xD800 <= ord(ch) <= 0xDFFF else ch for ch in text)
        f.write(text + "\n")


if __name__ == "__main__":
    main()
