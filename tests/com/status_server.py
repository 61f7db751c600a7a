#!/usr/bin/env python3
"""A loopback HTTP server that answers every POST with one fixed status and a JSON error body.

The Wine COM suite uses it for the 400 path: the core validates every field before sending, so the
emulator (which answers 400 only for malformed bodies) never sees a request it would refuse with 400.

Usage: status_server.py STATUS ERROR_TEXT
Prints "Listening on http://127.0.0.1:PORT/" first, then serves until killed.
"""
import json
import socket
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

STATUS = int(sys.argv[1])
BODY = json.dumps({"error": sys.argv[2]}, ensure_ascii=False).encode("utf-8")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        head = (
            f"HTTP/1.1 {STATUS} Error\r\n"
            "Content-Type: application/json; charset=utf-8\r\n"
            f"Content-Length: {len(BODY)}\r\n\r\n"
        ).encode("ascii")
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.wfile.write(head + BODY)  # one write: no Nagle/delayed-ACK stall
        self.wfile.flush()

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(f"Listening on http://127.0.0.1:{server.server_address[1]}/", flush=True)
server.serve_forever()
