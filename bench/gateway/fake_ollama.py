"""A fast fake Ollama server for bench/gateway: POST /api/chat streams NDJSON deltas.

Usage: fake_ollama.py PORT TOKENS INTERVAL_MS
Every chat answers TOKENS deltas ("tok "), INTERVAL_MS apart, then the final line with counts
and nanosecond durations, as Ollama does. GET /api/tags lists one model, "fake".
"""
import asyncio
import json
import sys

port, tokens, interval = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]) / 1000


async def read_request(reader):
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, path, _ = lines[0].split(" ", 2)
    length = 0
    for line in lines[1:]:
        if line.lower().startswith("content-length:"):
            length = int(line.split(":", 1)[1])
    body = await reader.readexactly(length) if length else b""
    return method, path, body


def chunk(data):
    return b"%x\r\n%s\r\n" % (len(data), data)


async def handle(reader, writer):
    try:
        while True:
            method, path, _ = await read_request(reader)
            if path == "/api/tags":
                body = json.dumps({"models": [{"name": "fake", "model": "fake", "size": 1}]}).encode()
                writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n%s"
                             % (len(body), body))
                await writer.drain()
                continue
            writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/x-ndjson\r\n"
                         b"transfer-encoding: chunked\r\n\r\n")
            for _ in range(tokens):
                line = json.dumps({"model": "fake", "message": {"role": "assistant", "content": "tok "},
                                   "done": False}) + "\n"
                writer.write(chunk(line.encode()))
                await writer.drain()
                await asyncio.sleep(interval)
            final = json.dumps({"model": "fake", "message": {"role": "assistant", "content": ""}, "done": True,
                                "done_reason": "stop", "prompt_eval_count": 10, "eval_count": tokens,
                                "prompt_eval_duration": 1000000, "eval_duration": 5000000}) + "\n"
            writer.write(chunk(final.encode()) + b"0\r\n\r\n")
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=1024)
    async with server:
        await server.serve_forever()


asyncio.run(main())
