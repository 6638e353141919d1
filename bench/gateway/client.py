"""bench/gateway's client: concurrent streaming chats, timing each one's first token and end.

Usage: client.py TARGET PORT CONCURRENCY REQUESTS
TARGET is "direct" (POST /api/chat on the fake Ollama server) or "bloom" (POST /api/chat/stream
on Bloom, which routes to the same fake). Prints one JSON line: the latencies in milliseconds
(p50, p95 of time to first token and of the whole stream) and the requests per second.
"""
import asyncio
import json
import statistics
import sys
import time

target, port, concurrency, total = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])

if target == "direct":
    path = "/api/chat"
    body = json.dumps({"model": "fake", "stream": True, "messages": [{"role": "user", "content": "Hello there"}]})
    first_marker, end_marker = b'"done": false', b"0\r\n\r\n"
else:
    path = "/api/chat/stream"
    body = json.dumps({"message": "Hello there", "model": "fake"})
    first_marker, end_marker = b"event: delta", b"event: done"
request = (f"POST {path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n"
           f"content-length: {len(body)}\r\nconnection: close\r\n\r\n{body}").encode()


async def one():
    start = time.perf_counter()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request)
    await writer.drain()
    data, first = b"", None
    while True:
        piece = await reader.read(65536)
        if not piece:
            break
        data += piece
        if first is None and first_marker in data:
            first = time.perf_counter()
        if end_marker in data:
            break
    end = time.perf_counter()
    writer.close()
    if first is None or end_marker not in data:
        raise RuntimeError(f"bad answer from {target}: {data[:300]!r}")
    if target == "bloom" and b'"fallback":false' not in data.replace(b" ", b""):
        raise RuntimeError(f"bloom answered with its fallback text, not the model: {data[-400:]!r}")
    return (first - start) * 1000, (end - start) * 1000


async def worker(count, results):
    for _ in range(count):
        results.append(await one())


async def main():
    results = []
    began = time.perf_counter()
    share = total // concurrency
    await asyncio.gather(*(worker(share, results) for _ in range(concurrency)))
    elapsed = time.perf_counter() - began
    firsts = sorted(r[0] for r in results)
    wholes = sorted(r[1] for r in results)
    pick = lambda values, q: values[min(len(values) - 1, int(q * len(values)))]
    print(json.dumps({"target": target, "requests": len(results), "ttft_p50": statistics.median(firsts),
                      "ttft_p95": pick(firsts, 0.95), "total_p50": statistics.median(wholes),
                      "total_p95": pick(wholes, 0.95), "rps": len(results) / elapsed}))


asyncio.run(main())
