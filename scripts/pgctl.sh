#!/usr/bin/env bash
# pgctl.sh - a private PostgreSQL 15 cluster kept in one folder.
#
# Used by ./kiosk, by the ctest fixture (pg.start / pg.stop) and by C++ tests
# through std::system, so the commands, exit codes and files below are a contract.
#
#   pgctl.sh init DIR              initdb into DIR/data unless it exists
#   pgctl.sh start DIR [PORT]      start (no-op when running); port = PORT, else
#                                  DIR/port, else a free random port 20000-60000
#   pgctl.sh stop DIR              fast shutdown, waits (no-op when stopped)
#   pgctl.sh status DIR            prints "running port=N" (exit 0) or "stopped" (exit 3)
#   pgctl.sh createdb DIR NAME     create database NAME (owner postgres) if missing
#   pgctl.sh url DIR [DBNAME]      print postgresql://postgres:PW@127.0.0.1:PORT/DBNAME
#   pgctl.sh destroy DIR           stop and rm -rf DIR
#   pgctl.sh test-start STATE_DIR  fresh throwaway cluster in /tmp/kiosk-test-pg.XXXXXX
#                                  (fsync off, max_connections=300); writes
#                                  STATE_DIR/cluster (its folder) and STATE_DIR/url
#   pgctl.sh test-stop STATE_DIR   destroy the cluster named in STATE_DIR/cluster
#
# Files in DIR: data/ (PGDATA), password (0600), port, url (0600, URL of the
# postgres database), server.log, .lock.
# The server listens on 127.0.0.1 only and has no unix socket; every login needs
# the random password (scram-sha-256). Errors: one line "pgctl: ..." on stderr.
#
# Environment:
#   PGCTL_PGBIN        PostgreSQL bin folder (default /usr/lib/postgresql/15/bin)
#   PGCTL_EXTRA_OPTS   extra server options for start, e.g. "-c work_mem=64MB"
#                      (interpreted by sh, as pg_ctl -o is)
#
# As root, PostgreSQL runs as the postgres user (it refuses root), and DIR is
# chowned to it; DIR must then be reachable by that user (not under /root).
set -euo pipefail

PGBIN=${PGCTL_PGBIN:-/usr/lib/postgresql/15/bin}
TEST_OPTS="-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
ME=pgctl

die() { echo "$ME: $*" >&2; exit 1; }
note() { echo "$ME: $*" >&2; }

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
}

is_root() { [ "$(id -u)" = 0 ]; }

# Run a PostgreSQL server-side tool: as the postgres user when we are root.
# Runs from / (the postgres user may not be able to enter our cwd) and without
# our lock descriptor, so a started server does not keep the lock held.
as_pg() {
  if is_root; then
    (cd / && runuser -u postgres -- "$@" 9>&-)
  else
    (cd / && "$@" 9>&-)
  fi
}

need_bin() {
  local b
  for b in pg_ctl initdb psql pg_isready; do
    [ -x "$PGBIN/$b" ] || die "PostgreSQL 15 binaries not found in $PGBIN; run scripts/install-deps.sh (package postgresql-15) or set PGCTL_PGBIN"
  done
}

# Absolute path of DIR (DIR need not exist).
abspath() {
  local p=$1
  [ -n "$p" ] || die "empty folder argument"
  case $p in /*) ;; *) p=$PWD/$p ;; esac
  # normalise trailing slashes
  while [ "${#p}" -gt 1 ] && [ "${p%/}" != "$p" ]; do p=${p%/}; done
  printf '%s\n' "$p"
}

lock() {
  # Serialises commands on one cluster folder (fd 9 is closed for pg tools).
  exec 9>>"$DIR/.lock"
  flock -w 120 9 || die "timed out waiting for the lock on $DIR (another pgctl.sh is busy with it)"
}

own_to_pg() {
  if is_root; then chown postgres: "$@"; fi
}

pg_can_reach() {
  ! is_root || runuser -u postgres -- test -w "$DIR" -a -x "$DIR" 2>/dev/null
}

check_reachable() {
  if ! pg_can_reach; then
    die "the postgres user cannot write to $DIR (PostgreSQL refuses to run as root, and a parent folder such as /root is private); use a folder it can reach, e.g. KIOSK_DATA_DIR=/var/tmp/plex-kiosk ./kiosk up, or a /tmp path"
  fi
}

valid_dbname() {
  [[ $1 =~ ^[A-Za-z_][A-Za-z0-9_]{0,62}$ ]] ||
    die "invalid database name '$1' (use letters, digits and _, at most 63, not starting with a digit)"
}

# 0 when something accepts TCP connections on 127.0.0.1:$1.
port_in_use() {
  # shellcheck disable=SC2016  # $1 is expanded by the inner bash
  timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$1" 2>/dev/null
}

random_free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$(( ((RANDOM << 15) | RANDOM) % 40001 + 20000 ))
    port_in_use "$p" || { echo "$p"; return 0; }
  done
  die "could not find a free TCP port in 20000-60000"
}

# 0 when process $1 exists and is not a zombie (an unreaped dead process still
# answers kill -0; in containers whose pid 1 reaps slowly that matters).
proc_alive() {
  local st
  [[ $1 =~ ^[0-9]+$ ]] || return 1
  st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
  [ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# pid of the postmaster if the cluster runs, else nothing; exit 0/1.
running_pid() {
  local pidfile=$DIR/data/postmaster.pid pid
  [ -f "$pidfile" ] || return 1
  as_pg "$PGBIN/pg_ctl" status -D "$DIR/data" >/dev/null 2>&1 || return 1
  pid=$(sed -n 1p "$pidfile" 2>/dev/null) || return 1
  proc_alive "$pid" || return 1
  echo "$pid"
}

running_port() {
  sed -n 4p "$DIR/data/postmaster.pid" 2>/dev/null
}

write_port_url() {
  local port=$1 pw
  pw=$(cat "$DIR/password")
  (umask 077
   printf '%s\n' "$port" >"$DIR/port.tmp"
   printf 'postgresql://postgres:%s@127.0.0.1:%s/postgres\n' "$pw" "$port" >"$DIR/url.tmp")
  chmod 644 "$DIR/port.tmp"
  own_to_pg "$DIR/port.tmp" "$DIR/url.tmp"
  mv -f "$DIR/port.tmp" "$DIR/port"
  mv -f "$DIR/url.tmp" "$DIR/url"
}

# psql over TCP as postgres; password from the file, never on the command line.
admin_psql() {
  local port
  port=$(running_port)
  [ -n "$port" ] || die "cannot read the port of the cluster in $DIR"
  PGPASSWORD=$(cat "$DIR/password") PGCONNECT_TIMEOUT=10 \
    "$PGBIN/psql" -X -q -t -A -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres "$@"
}

# A stale postmaster.pid whose pid is gone, or now belongs to something that is
# not a postgres server (pid reuse after a crash or reboot), is removed.
clear_stale_pidfile() {
  local pidfile=$DIR/data/postmaster.pid pid
  [ -f "$pidfile" ] || return 0
  pid=$(sed -n 1p "$pidfile" 2>/dev/null || true)
  if ! proc_alive "$pid"; then
    note "removing stale postmaster.pid (server pid ${pid:-?} is gone; it was not shut down cleanly)"
    rm -f "$pidfile"
  elif ! tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -e postgres -e postmaster; then
    note "removing stale postmaster.pid (pid $pid now belongs to another program)"
    rm -f "$pidfile"
  fi
}

# ---------------------------------------------------------------- commands

cmd_init() {
  need_bin
  local created="" top=$DIR
  if [ ! -d "$DIR" ]; then
    # Remember the topmost folder we create, to undo it if the postgres user can't reach it.
    while [ ! -e "$(dirname "$top")" ]; do top=$(dirname "$top"); done
    mkdir -p "$DIR"
    created=$top
  fi
  lock
  if [ -f "$DIR/data/PG_VERSION" ]; then
    return 0
  fi
  [ ! -e "$DIR/data" ] || die "$DIR/data exists but is not a PostgreSQL data folder; remove it or use another folder"
  own_to_pg "$DIR"
  if ! pg_can_reach; then
    # Do not leave an empty folder behind that we made ourselves.
    if [ -n "$created" ]; then
      rm -f "$DIR/.lock"
      local d=$DIR
      while rmdir "$d" 2>/dev/null && [ "$d" != "$created" ]; do d=$(dirname "$d"); done
    fi
    check_reachable
  fi
  chmod 700 "$DIR"
  rm -rf "$DIR/data.init"
  (umask 077; od -An -tx1 -N24 /dev/urandom | tr -d ' \n' >"$DIR/password")
  own_to_pg "$DIR/password"
  local out
  if ! out=$(as_pg env LC_ALL=C.UTF-8 "$PGBIN/initdb" -D "$DIR/data.init" -U postgres -E UTF8 \
      --locale=C.UTF-8 --no-sync --auth-host=scram-sha-256 --auth-local=trust \
      --pwfile="$DIR/password" 2>&1); then
    printf '%s\n' "$out" | tail -n 15 >&2
    rm -rf "$DIR/data.init"
    die "initdb failed for $DIR (output above)"
  fi
  # Defaults that hold however the server is started: loopback TCP only, no socket.
  cat >>"$DIR/data.init/postgresql.conf" <<'EOF'

# plex-kiosk (scripts/pgctl.sh): loopback TCP only, no unix socket
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
EOF
  mv "$DIR/data.init" "$DIR/data"
  rm -f "$DIR/port" "$DIR/url"
}

# start_cluster PORT_ARG EXTRA_OPTS
start_cluster() {
  local want=$1 extra=$2 port source pid tries log_size out
  need_bin
  [ -f "$DIR/data/PG_VERSION" ] || die "no cluster in $DIR; run: pgctl.sh init $DIR"
  lock
  check_reachable
  if pid=$(running_pid); then
    port=$(running_port)
    if [ -n "$want" ] && [ "$want" != "$port" ]; then
      note "already running on port $port, not $want; stop it first to change the port"
    fi
    write_port_url "$port"
    return 0
  fi
  clear_stale_pidfile

  if [ -n "$want" ]; then
    if [[ ! $want =~ ^[0-9]{1,5}$ ]] || [ "$want" -lt 1 ] || [ "$want" -gt 65535 ]; then
      die "invalid port '$want'"
    fi
    port=$want source=arg
  elif [ -s "$DIR/port" ]; then
    port=$(cat "$DIR/port") source=file
  else
    port=$(random_free_port) source=random
  fi
  if port_in_use "$port"; then
    case $source in
      arg) die "port $port on 127.0.0.1 is already in use by another process; choose another port (KIOSK_PG_PORT=N for ./kiosk, or pgctl.sh start DIR N)" ;;
      file) note "port $port (from $DIR/port) is in use by another process; picking a free one"
            port=$(random_free_port) source=random ;;
    esac
  fi

  own_to_pg "$DIR"
  [ ! -e "$DIR/server.log" ] || own_to_pg "$DIR/server.log"
  for tries in 1 2 3 4 5; do
    log_size=$(stat -c %s "$DIR/server.log" 2>/dev/null || echo 0)
    if out=$(as_pg "$PGBIN/pg_ctl" start -D "$DIR/data" -l "$DIR/server.log" -w -t 30 \
        -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories='' $extra" 2>&1); then
      break
    fi
    # Did not become ready: make sure no half-started server stays behind.
    as_pg "$PGBIN/pg_ctl" stop -D "$DIR/data" -m immediate -w -t 30 >/dev/null 2>&1 || true
    if tail -c +"$((log_size + 1))" "$DIR/server.log" 2>/dev/null | grep -q "could not bind\|Address already in use"; then
      # Someone took the port between our check and the bind.
      if [ "$source" != arg ] && [ "$tries" -lt 5 ]; then
        note "port $port is in use (bind failed); retrying on another one"
        port=$(random_free_port) source=random
        continue
      fi
      die "port $port on 127.0.0.1 is already in use by another process; choose another port (KIOSK_PG_PORT=N for ./kiosk, or pgctl.sh start DIR N)"
    fi
    printf '%s\n' "$out" | grep -v '^waiting for server\|^ *done$\|^ *stopped waiting$' | tail -n 5 >&2 || true
    echo "--- last lines of $DIR/server.log:" >&2
    tail -c +"$((log_size + 1))" "$DIR/server.log" 2>/dev/null | tail -n 20 >&2 || true
    die "PostgreSQL in $DIR failed to start on port $port (server log above)"
  done
  "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$port" -t 10 ||
    die "PostgreSQL in $DIR started but does not accept connections on 127.0.0.1:$port; see $DIR/server.log"
  write_port_url "$port"
}

cmd_stop() {
  [ -d "$DIR/data" ] || return 0
  need_bin
  lock
  running_pid >/dev/null || return 0
  if ! as_pg "$PGBIN/pg_ctl" stop -D "$DIR/data" -m fast -w -t 60 >/dev/null 2>&1; then
    note "fast shutdown did not finish within 60 s; using immediate shutdown"
    as_pg "$PGBIN/pg_ctl" stop -D "$DIR/data" -m immediate -w -t 30 >/dev/null 2>&1 ||
      die "could not stop PostgreSQL in $DIR (pid $(sed -n 1p "$DIR/data/postmaster.pid" 2>/dev/null))"
  fi
}

cmd_status() {
  local port
  if [ -d "$DIR/data" ] && need_bin && running_pid >/dev/null; then
    port=$(running_port)
    echo "running port=$port"
    return 0
  fi
  echo "stopped"
  return 3
}

cmd_createdb() {
  local name=$1 exists out
  valid_dbname "$name"
  [ -f "$DIR/data/PG_VERSION" ] || die "no cluster in $DIR; run: pgctl.sh init $DIR"
  need_bin
  running_pid >/dev/null || die "PostgreSQL in $DIR is not running; run: pgctl.sh start $DIR"
  exists=$(admin_psql -c "SELECT 1 FROM pg_database WHERE datname = '$name'") ||
    die "could not query PostgreSQL in $DIR"
  [ "$exists" = 1 ] && return 0
  if ! out=$(admin_psql -c "CREATE DATABASE \"$name\" OWNER postgres" 2>&1); then
    # Lost a race with a concurrent createdb? Then it exists now, which is fine.
    exists=$(admin_psql -c "SELECT 1 FROM pg_database WHERE datname = '$name'" 2>/dev/null || true)
    [ "$exists" = 1 ] && return 0
    printf '%s\n' "$out" >&2
    die "could not create database $name in $DIR"
  fi
}

cmd_url() {
  local db=${1:-postgres} port
  valid_dbname "$db"
  [ -r "$DIR/password" ] || die "no cluster in $DIR; run: pgctl.sh init $DIR"
  if [ -f "$DIR/data/postmaster.pid" ] && port=$(running_port) && [ -n "$port" ]; then :
  elif [ -s "$DIR/port" ]; then port=$(cat "$DIR/port")
  else die "cluster in $DIR was never started, so it has no port yet; run: pgctl.sh start $DIR"
  fi
  printf 'postgresql://postgres:%s@127.0.0.1:%s/%s\n' "$(cat "$DIR/password")" "$port" "$db"
}

cmd_destroy() {
  [ -e "$DIR" ] || return 0
  [ -d "$DIR" ] || die "$DIR is not a folder"
  case $DIR in /|/tmp|/var/tmp|/root|/home|"${HOME:-/root}") die "refusing to remove $DIR" ;; esac
  # Only remove folders that look like ours: a cluster, or empty/partial leftovers.
  if [ ! -f "$DIR/data/PG_VERSION" ] && [ ! -f "$DIR/password" ] && [ ! -d "$DIR/data.init" ] &&
      [ -n "$(find "$DIR" -mindepth 1 -maxdepth 1 ! -name .lock -print -quit)" ]; then
    die "$DIR does not look like a pgctl cluster folder; not removing it"
  fi
  if [ -d "$DIR/data" ]; then
    cmd_stop
  fi
  rm -rf "$DIR"
}

cmd_test_start() {
  local state=$1 old cluster url
  mkdir -p "$state"
  if [ -s "$state/cluster" ]; then
    old=$(cat "$state/cluster")
    if [ -n "$old" ] && [ -e "$old" ]; then
      note "removing the test cluster of an earlier run ($old)"
      ( DIR=$(abspath "$old"); cmd_destroy )
    fi
    rm -f "$state/cluster" "$state/url"
  fi
  cluster=$(mktemp -d /tmp/kiosk-test-pg.XXXXXX)
  # Recorded first, so test-stop cleans up even if init or start fails.
  printf '%s\n' "$cluster" >"$state/cluster"
  DIR=$cluster
  cmd_init
  start_cluster "" "$TEST_OPTS"
  url=$(cat "$DIR/url")
  (umask 077; printf '%s\n' "$url" >"$state/url.tmp")
  mv -f "$state/url.tmp" "$state/url"
  echo "$ME: test PostgreSQL running in $cluster on port $(cat "$DIR/port")"
}

cmd_test_stop() {
  local state=$1 cluster
  [ -d "$state" ] || return 0
  if [ -s "$state/cluster" ]; then
    cluster=$(cat "$state/cluster")
    if [ -n "$cluster" ]; then
      DIR=$(abspath "$cluster")
      cmd_destroy
    fi
  fi
  rm -f "$state/cluster" "$state/url" "$state/url.tmp"
  rmdir "$state" 2>/dev/null || true
}

# ---------------------------------------------------------------- main

main() {
  local cmd=${1:-help}
  [ $# -gt 0 ] && shift
  case $cmd in
    help|-h|--help) usage; return 0 ;;
  esac
  [ $# -ge 1 ] || die "usage: pgctl.sh $cmd DIR ... (pgctl.sh help)"
  local arg=$1; shift
  case $cmd in
    test-start|test-stop) ;;
    *) DIR=$(abspath "$arg") ;;
  esac
  case $cmd in
    init)       [ $# -eq 0 ] || die "usage: pgctl.sh init DIR"; cmd_init ;;
    start)      [ $# -le 1 ] || die "usage: pgctl.sh start DIR [PORT]"
                start_cluster "${1:-}" "${PGCTL_EXTRA_OPTS:-}" ;;
    stop)       cmd_stop ;;
    status)     cmd_status ;;
    createdb)   [ $# -eq 1 ] || die "usage: pgctl.sh createdb DIR NAME"; cmd_createdb "$1" ;;
    url)        [ $# -le 1 ] || die "usage: pgctl.sh url DIR [DBNAME]"; cmd_url "${1:-}" ;;
    destroy)    cmd_destroy ;;
    test-start) cmd_test_start "$(abspath "$arg")" ;;
    test-stop)  cmd_test_stop "$(abspath "$arg")" ;;
    *) die "unknown command '$cmd' (pgctl.sh help lists the commands)" ;;
  esac
}

main "$@"
