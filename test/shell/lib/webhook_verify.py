#!/usr/bin/env python3
"""Checks every request a webhook_receiver.py log holds, with Python's hmac/base64 (an
implementation independent of hitlai's): the webhook-signature entry list must hold a
valid v1 signature for every secret of one of the lines given for the request's path
(several webhooks may share a path on different ports). Prints
"<requests> <valid> <bad>" and, for each bad one, a line '# bad: ...'.
Usage: webhook_verify.py LOG SECRETS_FILE   (SECRETS_FILE lines: path<TAB>secret[<TAB>secret])"""
import base64, hashlib, hmac, json, sys

secrets = {}
for line in open(sys.argv[2]):
    parts = line.rstrip("\n").split("\t")
    if parts and parts[0]:
        secrets.setdefault(parts[0], []).append(parts[1:])

def key(secret):
    if secret.startswith("whsec_"):
        try:
            return base64.b64decode(secret[6:], validate=True)
        except Exception:
            pass
    return secret.encode()

total = good = 0
bad = []
for line in open(sys.argv[1]):
    r = json.loads(line)
    total += 1
    body = base64.b64decode(r["body"])
    content = ("%s.%s." % (r["id"], r["timestamp"])).encode() + body
    sigs = (r["signature"] or "").split(" ")
    def signed_by_all(line):
        for s in line:
            want = "v1," + base64.b64encode(hmac.new(key(s), content, hashlib.sha256).digest()).decode()
            if not any(hmac.compare_digest(want, x) for x in sigs):
                return False
        return bool(line)
    ok = r["content_type"] == "application/json" and any(signed_by_all(l) for l in secrets.get(r["path"], []))
    if ok:
        good += 1
    else:
        bad.append("%s %s" % (r["path"], r["id"]))
print(total, good, len(bad))
for b in bad:
    print("# bad:", b)
