#!/usr/bin/env python3
"""The webhook receiver of scripts/demo.sh: listens on 127.0.0.1 (a free port, written
to --port-file), checks the Standard Webhooks signature of every request against the
secret in the environment variable HITLAI_DEMO_SECRET (as docs/webhooks.md tells a
receiver to), prints what it received, answers 204, and exits after --count requests
or --max-seconds."""
import argparse
import base64
import hashlib
import hmac
import http.server
import json
import os
import threading
import time

p = argparse.ArgumentParser()
p.add_argument("--port-file", required=True)
p.add_argument("--count", type=int, default=1)
p.add_argument("--max-seconds", type=float, default=30)
args = p.parse_args()
secret = os.environ["HITLAI_DEMO_SECRET"]
key = base64.b64decode(secret[len("whsec_"):] if secret.startswith("whsec_") else secret)
seen = 0


def verified(msg_id, ts, body, header):
    if abs(time.time() - int(ts)) > 300:
        return False
    signed = msg_id.encode() + b"." + ts.encode() + b"." + body
    want = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return any(hmac.compare_digest(s.split(",", 1)[-1], want)
               for s in header.split() if s.startswith("v1,"))


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_POST(self):
        global seen
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        h = self.headers
        ok = verified(h.get("webhook-id", ""), h.get("webhook-timestamp", "0"), body,
                      h.get("webhook-signature", ""))
        event = json.loads(body)
        print(f"receiver: {event['type']} webhook-id={h.get('webhook-id')} "
              f"signature {'verified' if ok else 'INVALID'}; data.mission={event['data'].get('mission')!r}",
              flush=True)
        self.send_response(204 if ok else 400)
        self.end_headers()
        seen += 1
        if seen >= args.count:
            threading.Thread(target=srv.shutdown).start()


srv = http.server.HTTPServer(("127.0.0.1", 0), Handler)
with open(args.port_file, "w") as f:
    f.write(str(srv.server_address[1]))
threading.Timer(args.max_seconds, srv.shutdown).start()
srv.serve_forever()
