#!/usr/bin/env python3
"""Writes Tests/BloomEngineTests/Fixtures/quant-blocks.json from gguf-py, an independent
implementation of ggml's block formats (PyPI package `gguf`, numpy only).

For each format: a few rows of raw block bytes (hex) and gguf-py's dequantised floats. For the
32-weight formats the bytes come from gguf-py quantising random floats, and those floats are
included so the Swift reference quantisers can be checked byte for byte. gguf-py has no
quantiser for Q4_K or Q6_K, so their bytes are random: random quant and scale bytes with a
random finite fp16 super-block scale, which exercises every bit of the layout.

Run: python3 bench/engine/make_quant_fixtures.py  (deterministic: fixed seed)
"""

import json
import pathlib

import numpy as np
from gguf import GGMLQuantizationType as T
from gguf import quants

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "Tests/BloomEngineTests/Fixtures/quant-blocks.json"
rng = np.random.default_rng(20240611)


def floats_for_row(columns: int) -> np.ndarray:
    # Mixed magnitudes and signs, plus an all-zero block and a block of one repeated value,
    # which take the `d == 0` branches.
    x = (rng.standard_normal(columns) * rng.choice([0.01, 0.5, 3.0])).astype(np.float32)
    x[0:32] = 0.0
    x[32:64] = np.float32(0.25)
    return x


def random_half(count: int) -> np.ndarray:
    return (rng.uniform(-0.05, 0.05, count)).astype(np.float16)


def k_quant_rows(qtype, rows: int, columns: int) -> np.ndarray:
    block_bytes = quants.GGML_QUANT_SIZES[qtype][1]
    blocks = rows * columns // 256
    raw = rng.integers(0, 256, size=(blocks, block_bytes), dtype=np.uint8)
    if qtype == T.Q4_K:
        raw[:, 0:2] = random_half(blocks).view(np.uint8).reshape(blocks, 2)  # d
        raw[:, 2:4] = random_half(blocks).view(np.uint8).reshape(blocks, 2)  # dmin
    else:
        raw[:, 208:210] = random_half(blocks).view(np.uint8).reshape(blocks, 2)  # d
    return raw.reshape(rows, -1)


def entry(qtype, rows: int, columns: int) -> dict:
    result = {"type": qtype.name, "rows": rows, "columns": columns}
    if qtype in (T.Q4_K, T.Q6_K):
        raw = k_quant_rows(qtype, rows, columns)
    else:
        source = np.stack([floats_for_row(columns) for _ in range(rows)])
        raw = quants.quantize(source, qtype).view(np.uint8).reshape(rows, -1)
        result["source"] = [[float(v) for v in row] for row in source]
    values = quants.dequantize(raw, qtype).astype(np.float32).reshape(rows, columns)
    result["bytes"] = [row.tobytes().hex() for row in raw]
    # A float32 widened to a Python float prints as the shortest decimal that reads back to the
    # same double, and so to the same float32: the values are exact.
    result["values"] = [[float(v) for v in row] for row in values]
    return result


def main() -> None:
    fixtures = [
        entry(T.F16, 2, 64),
        entry(T.Q4_0, 3, 128),
        entry(T.Q4_1, 3, 128),
        entry(T.Q8_0, 3, 128),
        entry(T.Q4_K, 2, 512),
        entry(T.Q6_K, 2, 512),
    ]
    OUT.write_text(json.dumps({"generator": "bench/engine/make_quant_fixtures.py", "formats": fixtures}))
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
