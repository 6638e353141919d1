"""Reads wrk --latency output on stdin; prints requests/s, p50 and p99 in milliseconds."""
import re
import sys

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def milliseconds(text):
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * UNITS[unit]


output = sys.stdin.read()
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
p50 = milliseconds(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))
p99 = milliseconds(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))
errors = re.search(r"Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)", output)
if errors:
    sys.exit(f"wrk reported errors: {errors.group(0)}")
print(f"{rps:.0f} {p50:.3f} {p99:.3f}")
