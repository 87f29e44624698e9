#!/usr/bin/env bash
# S9: released versions are immutable. sql/install/RELEASED lists
# "<version> <sha256>" for each released version; the sha256 is that of the
# concatenation of sql/install/<version>/*.sql in file-name order (C locale), followed by
# sql/install/<version>/base/*.sql in the same order when the version has a base, so
# editing, adding, removing or renaming-with-reorder a part of a released version fails
# here.
set -uo pipefail
root=${HL_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
released=$root/sql/install/RELEASED

source "$(dirname "$0")/lib/tap.sh"
parts_sha() {  # parts_sha VERSION -> sha256 of the concatenated parts
  local dir=$root/sql/install/$1
  {
    (cd "$dir" && ls -- *.sql | LC_ALL=C sort | while IFS= read -r f; do cat -- "$f"; done)
    [ ! -d "$dir/base" ] ||
      (cd "$dir/base" && ls -- *.sql | LC_ALL=C sort | while IFS= read -r f; do cat -- "$f"; done)
  } | sha256sum | cut -d' ' -f1
}

mapfile -t entries < <(grep -Ev '^[[:space:]]*(#|$)' "$released" 2>/dev/null)
default_version=$(sed -n "s/^default_version *= *'\([^']*\)'.*/\1/p" "$root/hitlai.control")
tap_plan $((4 + 2 * ${#entries[@]}))

[ -f "$released" ]
tap_ok $? "S9: sql/install/RELEASED exists"
bad=$(printf '%s\n' "${entries[@]}" | grep -Evc '^[0-9]+\.[0-9]+\.[0-9]+ [0-9a-f]{64}$')
[ "$bad" -eq 0 ]
tap_ok $? "S9: every RELEASED line is '<semver> <sha256>' ($bad malformed)"
printf '%s\n' "${entries[@]}" | grep -q '^0\.1\.0 '
tap_ok $? "S9: 0.1.0 is recorded as released"
dups=$(printf '%s\n' "${entries[@]}" | cut -d' ' -f1 | sort | uniq -d | wc -l)
[ "$dups" -eq 0 ]
tap_ok $? "S9: no version is recorded twice"

for e in "${entries[@]}"; do
  v=${e%% *} want=${e#* }
  [ -d "$root/sql/install/$v" ] && ls "$root/sql/install/$v"/*.sql >/dev/null 2>&1
  tap_ok $? "S9: released version $v still has its parts in sql/install/$v/"
  have=$(parts_sha "$v" 2>/dev/null)
  [ "$have" = "$want" ]
  rc=$?
  [ $rc -eq 0 ] || echo "# sql/install/$v: sha256 $have, RELEASED says $want (released parts are frozen: put changes in a new version)" >&2
  tap_ok $rc "S9: the parts of released version $v are unchanged (sha256 ${want:0:12}...)"
done
tap_done
