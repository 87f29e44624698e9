# Whether pg_dump can dump the running server (sourced by the backup/restore suites).
#
#   hl_pg_dump_skip_reason   prints why not, or nothing when pg_dump can
#
# pg_dump refuses a server of a newer major than its own. On Debian 12 the PostgreSQL 17
# and 18 servers of scripts/test.sh come without a pg_dump that runs there (Debian's
# 17/18 client packages need a newer C library; docs/platforms.md), and the private
# installation's bin directory has no pg_dump: the suites that dump are skipped there
# with this reason, and run on every server that has a usable pg_dump.
hl_pg_dump_skip_reason() {
  local bin=${HL_PG_CONFIG:+$(dirname "$HL_PG_CONFIG")} server dump
  server=$(psql -X -A -t -d postgres -c "SELECT current_setting('server_version_num')::int / 10000" 2>/dev/null)
  if [ -z "$bin" ] || [ ! -x "$bin/pg_dump" ] || [ ! -x "$bin/pg_restore" ]; then
    echo "no pg_dump/pg_restore for PostgreSQL ${server:-?} in ${bin:-PATH} (P1: none runs on this system for 17/18)"
    return
  fi
  dump=$("$bin/pg_dump" --version 2>/dev/null | sed -n 's/.* \([0-9][0-9]*\)[.0-9]*.*/\1/p' | head -1)
  if [ -z "$dump" ] || [ -z "$server" ] || [ "$dump" -lt "$server" ]; then
    echo "pg_dump ${dump:-?} cannot dump a PostgreSQL ${server:-?} server"
  fi
}
