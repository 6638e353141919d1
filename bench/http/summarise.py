"""Summarises interleaved rounds: median requests/s and latencies per server, and the ratio."""
import statistics
import sys

rows = {}
for line in open(sys.argv[1]):
    server, rps, p50, p99 = line.split()
    rows.setdefault(server, []).append((float(rps), float(p50), float(p99)))

print()
print(f"{'server':<8}{'median req/s':>14}{'median p50 ms':>15}{'median p99 ms':>15}{'worst p99 ms':>14}")
medians = {}
for server, values in sorted(rows.items()):
    rps = statistics.median(v[0] for v in values)
    medians[server] = rps
    p50 = statistics.median(v[1] for v in values)
    p99 = statistics.median(v[2] for v in values)
    worst = max(v[2] for v in values)
    print(f"{server:<8}{rps:>14.0f}{p50:>15.3f}{p99:>15.3f}{worst:>14.3f}")
ratios = [b[0] / n[0] for b, n in zip(rows["bloom"], rows["nginx"])]
print(f"ratio bloom/nginx requests/s: median {statistics.median(ratios):.2f}, "
      f"range {min(ratios):.2f}-{max(ratios):.2f} over {len(ratios)} rounds")
