#!/usr/bin/env bash
# Every rule id cited in the code, the SQL, the tests, the scripts and the README (S1,
# T4, Q1, …) must be defined in the rule table of docs/README.md, so a reader can look
# it up. Prints each undefined id with one file citing it; exits 1 if there is any.
# Usage: scripts/rule_ids.sh [DIR]   (DIR: a checkout, default this one)
set -euo pipefail
dir=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
cd "$dir"
python3 - <<'PY'
import os, re, sys

ID = r"[SDATQVJWFRMPG][0-9]{1,2}"
# A citation: the id as a word, not an option such as `grep -A8`.
cite = re.compile(r"(?<![\w-])(" + ID + r")(?![\w])")

defined = set()
table = open("docs/README.md", encoding="utf-8").read()
for row in re.findall(r"(?m)^\| *([^|]+?) *\|", table):
    for a, b in re.findall(r"(" + ID + r")(?:[–-](" + ID + r"))?", row):
        if b and a[0] == b[0]:
            defined.update(f"{a[0]}{n}" for n in range(int(a[1:]), int(b[1:]) + 1))
        else:
            defined.add(a)
            if b:
                defined.add(b)

roots = ["src", "sql/install", "test", "scripts", "bench", "fuzz"]
files = ["README.md", "Makefile", "CMakeLists.txt"]
for r in roots:
    for d, _, names in os.walk(r):
        files += [os.path.join(d, n) for n in sorted(names)]
seen = {}
for f in files:
    if not os.path.isfile(f) or "/corpus/" in f:
        continue
    try:
        text = open(f, encoding="utf-8").read()
    except UnicodeDecodeError:
        continue
    # test data that merely looks like an id: a tester named 'F1' in a VALUES list
    text = re.sub(r"'" + ID + r"'", "''", text)
    for m in cite.finditer(text):
        seen.setdefault(m.group(1), f)
bad = sorted((i for i in seen if i not in defined), key=lambda i: (i[0], int(i[1:])))
for i in bad:
    print(f"{i}: cited in {seen[i]}, not defined in docs/README.md")
sys.exit(1 if bad else 0)
PY
