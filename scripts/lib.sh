# Shared shell functions of scripts/*.sh (sourced, not run).
# Everything here is idempotent and works as root (CI, fresh Debian 12) or as a user
# with sudo.

HL_ROOT=${HL_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
HL_PG_MAJOR=15
HL_APT_PACKAGES=(
  postgresql-15 postgresql-client-15 postgresql-server-dev-15 postgresql-15-pgtap
  libtap-parser-sourcehandler-pgtap-perl libboost-json1.81-dev libgtest-dev
  cmake make g++ clang-14 llvm-14-dev perl python3 bc binutils
  libssl-dev libcurl4-openssl-dev
)

hl_log() { printf '==> %s\n' "$*" >&2; }
hl_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

hl_sudo() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Installs the Debian packages the build and the suites need (only what is missing).
hl_install_deps() {
  local missing=() p
  for p in "${HL_APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
      || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    hl_log "installing Debian packages: ${missing[*]}"
    hl_sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    hl_sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" >/dev/null
  fi
}

hl_system_pg_config() { echo "/usr/lib/postgresql/$HL_PG_MAJOR/bin/pg_config"; }

# A private copy of the system's PostgreSQL $HL_PG_MAJOR installation under $1, so that
# the suites install and test hitlai without touching the system's extension directory
# (PostgreSQL finds share/ and lib/ relative to its own binaries). Refreshed when the
# system's server binary changes.
hl_make_prefix() {
  local prefix=$1 sys_bin=/usr/lib/postgresql/$HL_PG_MAJOR
  local stamp; stamp=$(stat -c '%Y %s' "$sys_bin/bin/postgres")
  if [ ! -f "$prefix/.stamp" ] || [ "$(cat "$prefix/.stamp")" != "$stamp" ]; then
    rm -rf "$prefix"
    mkdir -p "$prefix/lib/postgresql" "$prefix/share/postgresql" "$prefix/include"
    cp -a "$sys_bin" "$prefix/lib/postgresql/"
    cp -a "/usr/share/postgresql/$HL_PG_MAJOR" "$prefix/share/postgresql/"
    ln -s /usr/include/postgresql "$prefix/include/postgresql"
    echo "$stamp" > "$prefix/.stamp"
  fi
  chmod -R a+rX "$prefix"
}

hl_prefix_bin() { echo "$1/lib/postgresql/$HL_PG_MAJOR/bin"; }

# Runs a command as the cluster owner: postgres when we are root (initdb refuses root).
hl_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# hl_cluster_start BINDIR DIR: initdb + start a throwaway cluster in DIR, listening only
# on a Unix socket in DIR/sock (no TCP port, so clusters never collide). Exports
# PGHOST, PGPORT, PGUSER for the caller.
hl_cluster_start() {
  local bindir=$1 dir=$2
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; fi
  chmod 755 "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    hl_as_owner mkdir -p "$dir/data" "$dir/sock"
    hl_as_owner "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 \
      --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log"; return 1; }
    cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$dir/sock'
port = 5432
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 60
shared_buffers = 256MB
log_min_messages = warning
log_line_prefix = '%m [%p] %q%d '
CONF
  fi
  hl_as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null
  export PGHOST="$dir/sock" PGPORT=5432 PGUSER=postgres
}

hl_cluster_stop() {
  local bindir=$1 dir=$2
  [ -f "$dir/data/postmaster.pid" ] || return 0
  hl_as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
}

# Backends that died by a signal leave this in the server log.
hl_log_has_crash() {
  grep -E 'terminated by signal|was terminated by exception|server process .* exited with exit code [^0]' "$1"
}

# Builds hitlai with PGXS for the installation of pg_config $1 and installs it there.
hl_build_install_make() {
  local pgc=$1
  make -C "$HL_ROOT" -s PG_CONFIG="$pgc" WERROR=1 all
  make -C "$HL_ROOT" -s PG_CONFIG="$pgc" install >/dev/null
}
