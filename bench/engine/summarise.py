"""Summarises bench/engine/run's rounds: medians per engine and thread count, and Bloom's ratios."""
import json
import statistics
import sys

rounds_path, first_token, rss_kb, hwm_kb, file_bytes = sys.argv[1:6]
rounds = [json.loads(line) for line in open(rounds_path) if line.strip()]


def median(engine, threads, key):
    values = [r[key] for r in rounds if r["engine"] == engine and r["threads"] == threads]
    return statistics.median(values) if values else float("nan"), values


print("engine benchmark: SmolLM2-135M-Instruct Q4_1, same prompt ids, interleaved rounds (medians)")
print(f"{'threads':>7} {'metric':<14} {'llama.cpp':>10} {'bloom':>10} {'ratio':>7}   rounds (bloom)")
for threads in (1, 2):
    for key, label in (("decode_tps", "decode tok/s"), ("prefill_tps", "prefill tok/s")):
        reference, _ = median("llama.cpp", threads, key)
        ours, values = median("bloom", threads, key)
        spread = ", ".join(f"{v:.0f}" for v in values)
        print(f"{threads:>7} {label:<14} {reference:>10.1f} {ours:>10.1f} {ours / reference:>6.2f}x   {spread}")
prompt_tokens = rounds[0]["prefill_tokens"] if rounds else 0
decode_tokens = rounds[0]["decode_tokens"] if rounds else 0
print(f"prompt {prompt_tokens} tokens, {decode_tokens} decoded tokens per round")
rss_mb, hwm_mb, file_mb = int(rss_kb) / 1024, int(hwm_kb) / 1024, int(file_bytes) / 2**20
print(f"bloom serve with SmolLM2 loaded: RSS {rss_mb:.1f} MiB (peak {hwm_mb:.1f}), model file {file_mb:.1f} MiB, "
      f"budget file + 128 = {file_mb + 128:.1f} MiB")
print(f"bloom serve start to the first token of the first chat: {first_token} s")
