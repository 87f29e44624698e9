#!/usr/bin/env bash
# The whitespace rules of .editorconfig, checked over every text file git tracks:
#   - lines end in LF (no CR), the file ends with a newline;
#   - no trailing spaces or tabs (except pg_regress output, test/expected/*.out, which
#     holds psql's own padding);
#   - no tab characters, except in Makefiles (recipes need them).
# Usage: scripts/format_check.sh [DIR]   (DIR: a git work tree, default this checkout)
# Prints one line per violation and exits 1 if there is any.
set -euo pipefail
dir=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
cd "$dir"
git ls-files -z | python3 -c '
import fnmatch, os, sys
bad = 0
def report(f, what):
    global bad
    print(f"{f}: {what}")
    bad = 1
for f in sys.stdin.buffer.read().decode().split("\0"):
    if not f or not os.path.isfile(f) or f.startswith("fuzz/corpus/"):
        continue
    data = open(f, "rb").read()
    if b"\0" in data[:8000]:
        continue  # binary
    lines = data.split(b"\n")
    if b"\r" in data:
        report(f, "CR line endings")
    if data and not data.endswith(b"\n"):
        report(f, "no newline at end of file")
    if not fnmatch.fnmatch(f, "test/expected/*.out"):
        n = sum(1 for l in lines if l.rstrip(b" \t\r") != l.rstrip(b"\r") )
        if n:
            report(f, f"{n} line(s) with trailing whitespace")
    base = os.path.basename(f)
    if base != "Makefile" and not base.endswith(".mk"):
        n = sum(1 for l in lines if b"\t" in l)
        if n:
            report(f, f"{n} line(s) with a tab character")
sys.exit(bad)
'
