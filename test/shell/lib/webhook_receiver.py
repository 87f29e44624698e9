#!/usr/bin/env python3
"""Test receiver for webhook deliveries (W2-W5 suites). Listens on 127.0.0.1 only, on
the given port (0: any free port, written to --port-file), records every request as one
JSON line in --log, answers by path, and exits by itself after --max-seconds.

  /ok            200            /gone        410
  /error         500            /redirect    302 to /ok (must never be followed)
  /ratelimit?ra=N   429 with Retry-After: N       /unavailable?ra=N  503 likewise
  /hang?s=N      sleeps N seconds, then 200       /flaky?n=K  500 for the first K
                                                  requests of a webhook-id, then 200
"""
import argparse, base64, json, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse, parse_qs

p = argparse.ArgumentParser()
p.add_argument("--port", type=int, default=0)
p.add_argument("--port-file")
p.add_argument("--log", required=True)
p.add_argument("--max-seconds", type=float, default=300)
args = p.parse_args()

lock = threading.Lock()
seen = {}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def answer(self, code, headers=()):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n)
        url = urlparse(self.path)
        q = parse_qs(url.query)
        wid = self.headers.get("webhook-id", "")
        with lock:
            seen[wid] = seen.get(wid, 0) + 1
            count = seen[wid]
            with open(args.log, "a") as f:
                f.write(json.dumps({
                    "path": url.path, "query": url.query, "id": wid,
                    "timestamp": self.headers.get("webhook-timestamp"),
                    "signature": self.headers.get("webhook-signature"),
                    "content_type": self.headers.get("content-type"),
                    "body": base64.b64encode(body).decode(), "received": time.time(),
                    "conn": "%s:%d" % self.client_address}) + "\n")
        path = url.path
        if path == "/ok":
            self.answer(200)
        elif path == "/gone":
            self.answer(410)
        elif path == "/error":
            self.answer(500)
        elif path == "/redirect":
            self.answer(302, [("Location", "/ok")])
        elif path in ("/ratelimit", "/unavailable"):
            self.answer(429 if path == "/ratelimit" else 503, [("Retry-After", q.get("ra", ["60"])[0])])
        elif path == "/hang":
            time.sleep(float(q.get("s", ["30"])[0]))
            self.answer(200)
        elif path == "/flaky":
            self.answer(500 if count <= int(q.get("n", ["2"])[0]) else 200)
        else:
            self.answer(404)


ThreadingHTTPServer.request_queue_size = 1024  # listen backlog: many senders connect at once
srv = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
srv.daemon_threads = True
if args.port_file:
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    import os
    os.rename(args.port_file + ".tmp", args.port_file)
threading.Timer(args.max_seconds, srv.shutdown).start()
srv.serve_forever()
