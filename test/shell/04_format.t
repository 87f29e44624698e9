#!/usr/bin/env bash
# The whitespace rules of .editorconfig (scripts/format_check.sh, `make format-check`):
# the tree follows them, and the check does catch each kind of violation.
set -uo pipefail
source "$(dirname "$0")/lib/tap.sh"
root=${HL_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
tap_plan 3

out=$(make -C "$root" -s format-check 2>&1)
rc=$?; [ $rc -eq 0 ] || tap_diag "$out"
tap_ok $rc "make format-check passes on the tree"

# A scratch repository with one violation per file.
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
git -C "$tmp" init -q
printf 'int x;  \n' >"$tmp/trailing.cpp"
printf 'int\ty;\n' >"$tmp/tab.hpp"
printf 'SELECT 1;' >"$tmp/noeol.sql"
printf 'a\r\n' >"$tmp/crlf.sh"
printf 'all:\n\ttrue\n' >"$tmp/Makefile"
printf 'ok\n' >"$tmp/clean.md"
git -C "$tmp" add -A
out=$(bash "$root/scripts/format_check.sh" "$tmp" 2>&1)
rc=$?
[ $rc -ne 0 ]
tap_ok $? "format_check.sh fails on a tree with violations"
want="crlf.sh: CR line endings
noeol.sql: no newline at end of file
tab.hpp: 1 line(s) with a tab character
trailing.cpp: 1 line(s) with trailing whitespace"
tap_is "$(echo "$out" | LC_ALL=C sort)" "$want" "each violation is named once; Makefile tabs and a clean file pass"
tap_done
