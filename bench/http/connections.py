"""Opens many connections to a running bloom and reports its resident memory.

Usage: connections.py PID PORT
Measures: idle keep-alive connections (each made one request, then stays open), then open
Server-Sent Event streams on /health/stream (each received its first event). Every
connection is checked to be alive at the end of its phase.
"""
import socket
import sys
import time

pid, port = int(sys.argv[1]), int(sys.argv[2])


def rss_mb():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def read_until(sock, marker):
    data = b""
    while marker not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise RuntimeError("connection closed early")
        data += chunk
    return data


def open_many(count, request, marker):
    sockets = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port))
        sock.sendall(request)
        read_until(sock, marker)
        sockets.append(sock)
    return sockets


def still_open(sockets):
    """True when no socket has been closed by the server (a read would return b'')."""
    for sock in sockets:
        sock.setblocking(False)
        try:
            if sock.recv(65536) == b"":
                return False
        except BlockingIOError:
            pass
    return True


time.sleep(1)
base = rss_mb()
print(f"  fresh:                          {base:6.1f}")

idle = open_many(1000, b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n", b"}}")
time.sleep(1)
print(f"  1,000 idle keep-alive:          {rss_mb():6.1f}  (+{rss_mb() - base:.1f}), all open: {still_open(idle)}")
for sock in idle:
    sock.close()
time.sleep(1)

for count in (1000, 4000):
    streams = open_many(count, b"GET /health/stream HTTP/1.1\r\nHost: x\r\n\r\n", b"\n\n")
    time.sleep(1)
    print(f"  {count:,} SSE streams:{'':<{12 - len(f'{count:,}')}}  "
          f"{rss_mb():6.1f}  (+{rss_mb() - base:.1f}), all open: {still_open(streams)}")
    for sock in streams:
        sock.close()
    time.sleep(2)
