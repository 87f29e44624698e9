#!/usr/bin/env bash
# Smoke run of the webhook benchmarks (bench/webhooks.sh, bench/README.md) at a tiny
# scale: hitlai's worker (W3) delivers to a loopback nginx in a cluster of the script's
# own, with the hitlai this suite installed (--bin), and the worker's memory is read
# after two amounts of deliveries (W8). Checks that each measure was produced and that
# every delivery arrived; timings are never asserted (a shared machine). nginx is
# installed with apt-get when missing and running as root, else the suite skips.
set -uo pipefail
source "$(dirname "$0")/lib/tap.sh"
: "${HL_ROOT:?run by scripts/test.sh}" "${HL_PG_CONFIG:?}"

if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
  if [ "$(id -u)" -eq 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light >/dev/null 2>&1 ||
      { DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light >/dev/null 2>&1; }
  fi
  if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
    tap_skip_all "nginx is not installed (Debian package nginx-light) and this run cannot install it"
    exit 0
  fi
fi

# The work directory sits in a shared, sticky directory like /tmp (mode 1777): the
# benchmark may make its own directories traversable, never change the parent's mode.
shared=${HL_WORK:-/tmp}/webhook-bench-shared
rm -rf "$shared"
mkdir -p "$shared"
chmod 1777 "$shared"
work=$shared/webhook-bench-smoke
mkdir -p "$work"
tap_plan 7
start=$(date +%s)
timeout 300 bash "$HL_ROOT/bench/webhooks.sh" --bin "$(dirname "$HL_PG_CONFIG")" --work "$work" \
  --parts delivery,memory --n 300 --paced 10 --mem 200,1000 >"$work/out.md" 2>"$work/err.log"
rc=$?
elapsed=$(( $(date +%s) - start ))
csv=$work/results/webhooks.csv
[ "$rc" -eq 0 ] && [ -s "$csv" ]
tap_ok $? "W8: bench/webhooks.sh --parts delivery,memory finished in ${elapsed}s (rc=$rc) and wrote webhooks.csv"
[ "$rc" -eq 0 ] || tail -30 "$work/err.log" | tap_diag_in
tap_is "$(stat -c %a "$shared")" 1777 "bench/webhooks.sh leaves the mode of its work directory's parent alone (a shared /tmp stays 1777)"

# value of (part, case, unit) in the CSV
val() { awk -F, -v p="$1" -v c="$2" -v u="$3" '$1 == p && $2 == c && $6 == u { print $5 }' "$csv" 2>/dev/null | tail -1; }
positive() { awk -v x="$1" 'BEGIN { exit !(x + 0 > 0) }'; }

tap_is "$(val delivery hitlai_r1 received)" 300 "W3: all 300 deliveries of the burst reached nginx (distinct webhook-ids)"
positive "$(val delivery hitlai_r1 rate)"
tap_ok $? "W8: a delivery rate was measured for the worker ($(val delivery hitlai_r1 rate)/s)"
tap_is "$(val delivery hitlai_paced received)" 10 "W3: all 10 paced deliveries reached nginx"
positive "$(val memory first ctx_total)" && positive "$(val memory second ctx_total)" &&
  positive "$(val memory first RssAnon)" && positive "$(val memory second RssAnon)"
tap_ok $? "W8: the worker's memory contexts and RssAnon were read after 200 and after 1,000 deliveries"
# A leak of a kilobyte per delivery would add about 1 MB to the ~2 MB of contexts here.
a=$(val memory first ctx_total) b=$(val memory second ctx_total)
awk -v a="$a" -v b="$b" 'BEGIN { exit !(a > 0 && b <= 1.5 * a) }'
tap_ok $? "W8: the worker's memory contexts do not grow with deliveries (after 1,000: $b bytes, after 200: $a bytes)"
sed -n '1,30s/^/# /p' "$work/out.md"
tap_done
