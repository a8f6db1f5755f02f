#!/usr/bin/env bash
# gateway_bench - what the HTTP/JSON gateway costs on top of a direct gRPC call.
#
# Starts kiosk-users and kiosk-gateway on free ports over a fresh, migrated
# database, logs in as admin (changing the default password on the way, with
# a long-lived access token), then measures two authenticated routes:
#
#   GET   /api/v1/auth/me  (Me)        vs  gRPC kiosk.users.v1.UsersService/Me
#   PATCH /api/v1/auth/me  (UpdateMe)  vs  gRPC kiosk.users.v1.UsersService/UpdateMe
#
# through the gateway with wrk (HTTP/1.1 keep-alive) and directly against
# kiosk-users with h2load (HTTP/2 gRPC frames), at the same concurrency, and
# prints req/s, p50 and p99 for each and the gateway/direct ratio. Neither
# route hashes a password (Login costs ~0.1 s of Argon2 by design).
#
# Run it as `./kiosk bench` does (build/bin/gateway_bench, with
# KIOSK_TEST_PG_STATE naming the throwaway PostgreSQL), or by hand:
#   tests/bench/gateway_bench.sh       # starts its own throwaway PostgreSQL
#
# Environment:
#   BENCH_SECONDS       measured seconds per run (default 10)
#   BENCH_WARMUP        warm-up seconds before each run, not measured (default 2)
#   BENCH_CONNECTIONS   concurrent connections (default 50)
#   BENCH_THREADS       load generator threads, wrk -t / h2load -t (default 2)
#   GATEWAY_THREADS     kiosk-gateway HTTP threads (default 2, as in production)
#   BENCH_LOG_LEVEL     LOG_LEVEL of both servers (default info, as in production;
#                       with warn or error, which hide the listening line, the
#                       script picks the ports itself)
#   BENCH_ENFORCE=1     exit 3 when a target (overhead <= 15 %, p99 < 10 ms) is missed
#   BENCH_KEEP=1        keep the work folder (logs, raw wrk/h2load output)
#   KIOSK_BIN_DIR       folder with kiosk-users, kiosk-gateway, kiosk-migrate
#                       (default: this script's folder if they are there, else <repo>/build/bin)
#   KIOSK_TEST_DATABASE_URL / KIOSK_TEST_PG_STATE
#                       PostgreSQL superuser URL, or a pgctl.sh test-start state
#                       folder (its url file), in which a database is created
#                       and dropped; without either, a throwaway cluster is
#                       started with scripts/pgctl.sh test-start
#   PGCTL_PGBIN         PostgreSQL bin folder (default /usr/lib/postgresql/15/bin)
set -euo pipefail

ME=gateway_bench
SECONDS_MEASURED=${BENCH_SECONDS:-10}
WARMUP=${BENCH_WARMUP:-2}
CONNECTIONS=${BENCH_CONNECTIONS:-50}
THREADS=${BENCH_THREADS:-2}
GW_THREADS=${GATEWAY_THREADS:-2}
LOG_LEVEL_SERVERS=${BENCH_LOG_LEVEL:-info}
PGBIN=${PGCTL_PGBIN:-/usr/lib/postgresql/15/bin}
TARGET_OVERHEAD_PCT=15
TARGET_P99_MS=10
START_WAIT_S=30

say() { echo "$ME: $*" >&2; }
die() { echo "$ME: $*" >&2; exit 1; }

for v in SECONDS_MEASURED WARMUP CONNECTIONS THREADS GW_THREADS; do
  [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a whole number, got '${!v}'"
done
[ "$SECONDS_MEASURED" -ge 1 ] || die "BENCH_SECONDS must be at least 1"
[ "$CONNECTIONS" -ge "$THREADS" ] || die "BENCH_CONNECTIONS must be >= BENCH_THREADS"

# ---------------------------------------------------------------- where things are

SELF_DIR=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd -P)
REPO=""
if [ -f "$SELF_DIR/../../scripts/pgctl.sh" ]; then
  REPO=$(cd "$SELF_DIR/../.." && pwd -P)             # tests/bench/gateway_bench.sh
fi
if [ -n "${KIOSK_BIN_DIR:-}" ]; then
  BIN_DIR=$KIOSK_BIN_DIR
elif [ -x "$SELF_DIR/kiosk-users" ]; then
  BIN_DIR=$SELF_DIR                                    # build/bin/gateway_bench
elif [ -n "$REPO" ]; then
  BIN_DIR=${KIOSK_BUILD_DIR:-$REPO/build}/bin
else
  die "cannot find the kiosk binaries; set KIOSK_BIN_DIR"
fi
if [ -z "$REPO" ] && [ -f "$BIN_DIR/../CMakeCache.txt" ]; then
  REPO=$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$BIN_DIR/../CMakeCache.txt")
fi
for b in kiosk-users kiosk-gateway kiosk-migrate kiosk-healthcheck; do
  [ -x "$BIN_DIR/$b" ] || die "$BIN_DIR/$b is missing; build it (ninja -C build $b, or ./kiosk bench)"
done

# ---------------------------------------------------------------- tools

ensure_tools() {
  local missing=() pkgs=() t
  for t in wrk:wrk h2load:nghttp2-client curl:curl; do
    command -v "${t%%:*}" >/dev/null 2>&1 || { missing+=("${t%%:*}"); pkgs+=("${t#*:}"); }
  done
  [ -x "$PGBIN/psql" ] || command -v psql >/dev/null 2>&1 || pkgs+=(postgresql-client-15)
  [ ${#pkgs[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    say "missing: ${pkgs[*]}; install them with:"
    echo "  sudo apt-get install -y --no-install-recommends ${pkgs[*]}" >&2
    exit 1
  fi
  say "installing ${pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -q --no-install-recommends "${pkgs[@]}" >/dev/null; then
    apt-get update -q >/dev/null || true
    apt-get install -y -q --no-install-recommends "${pkgs[@]}" >/dev/null ||
      die "apt-get install ${pkgs[*]} failed"
  fi
}
ensure_tools
PSQL=$PGBIN/psql
[ -x "$PSQL" ] || PSQL=$(command -v psql)

# ---------------------------------------------------------------- cleanup

WORK=$(mktemp -d /tmp/kiosk-gateway-bench.XXXXXX)
PIDS=()          # servers we started, stopped in reverse order
PG_STATE=""      # our own throwaway cluster (pgctl.sh test-start), if any
DB_CREATED=""    # database we created in someone else's cluster
OK=0

# 0 when process $1 runs (a zombie, dead but not yet reaped, does not).
alive() {
  local st
  st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
  [ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# shellcheck disable=SC2317  # stop_pid and cleanup run from the EXIT trap
stop_pid() {
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 1 100); do                 # 10 s, then SIGKILL
    alive "$pid" || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# shellcheck disable=SC2317
cleanup() {
  local rc=$? i
  trap - EXIT INT TERM
  [ -z "$LOADGEN_PID" ] || stop_pid "$LOADGEN_PID"
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do stop_pid "${PIDS[i]}"; done
  if [ -n "$DB_CREATED" ]; then
    admin_psql -c "DROP DATABASE IF EXISTS \"$DB_CREATED\" WITH (FORCE)" >/dev/null 2>&1 ||
      say "could not drop database $DB_CREATED"
  fi
  if [ -n "$PG_STATE" ]; then
    "$REPO/scripts/pgctl.sh" test-stop "$PG_STATE" >/dev/null 2>&1 || say "could not stop the test PostgreSQL"
  fi
  if [ "$OK" != 1 ] && [ "$rc" != 0 ] && [ "$rc" != 130 ] && [ "$rc" != 143 ]; then
    for f in "$WORK"/*.log; do
      [ -s "$f" ] || continue
      echo "--- last lines of $(basename "$f"):" >&2
      tail -n 15 "$f" | sed -E 's#(://[^:/@]*):[^@]*@#\1:***@#' >&2
    done
  fi
  if [ "${BENCH_KEEP:-}" = 1 ]; then say "work folder kept: $WORK"; else rm -rf "$WORK"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- database

ADMIN_URL=""
# Connection parameters from a postgresql:// URL into PG* variables, so no
# password appears on a command line.
admin_psql() {
  local re='^postgres(ql)?://([^:@/]+)(:([^@]*))?@([^:/?]+)(:([0-9]+))?(/[^?]*)?'
  [[ $ADMIN_URL =~ $re ]] || die "cannot parse the PostgreSQL URL (expected postgresql://user:password@host:port/db)"
  PGUSER=${BASH_REMATCH[2]} PGPASSWORD=${BASH_REMATCH[4]} PGHOST=${BASH_REMATCH[5]} \
    PGPORT=${BASH_REMATCH[7]:-5432} PGDATABASE=postgres PGCONNECT_TIMEOUT=10 \
    "$PSQL" -X -q -t -A -v ON_ERROR_STOP=1 "$@"
}

setup_database() {
  local state
  if [ -n "${KIOSK_TEST_DATABASE_URL:-}" ]; then
    ADMIN_URL=$KIOSK_TEST_DATABASE_URL
  elif [ -n "${KIOSK_TEST_PG_STATE:-}" ] && [ -s "$KIOSK_TEST_PG_STATE/url" ]; then
    ADMIN_URL=$(cat "$KIOSK_TEST_PG_STATE/url")           # ./kiosk bench's cluster
  else
    [ -n "$REPO" ] && [ -x "$REPO/scripts/pgctl.sh" ] ||
      die "no PostgreSQL: run through ./kiosk bench, set KIOSK_TEST_PG_STATE or KIOSK_TEST_DATABASE_URL"
    state=$WORK/pg-state
    PG_STATE=$state
    say "starting a throwaway PostgreSQL"
    "$REPO/scripts/pgctl.sh" test-start "$state" >"$WORK/pgctl.log" 2>&1 ||
      die "could not start PostgreSQL: $(tail -n 3 "$WORK/pgctl.log")"
    ADMIN_URL=$(cat "$state/url")
  fi
  local name=gateway_bench_$$_$RANDOM
  admin_psql -c "CREATE DATABASE \"$name\"" >/dev/null || die "could not create database $name"
  DB_CREATED=$name
  DB_URL=${ADMIN_URL%%\?*}
  DB_URL=${DB_URL%/*}/$name
  DATABASE_URL=$DB_URL "$BIN_DIR/kiosk-migrate" upgrade head >"$WORK/kiosk-migrate.log" 2>&1 ||
    die "kiosk-migrate upgrade head failed"
}

# ---------------------------------------------------------------- servers

# 0 when something accepts TCP connections on 127.0.0.1:$1.
port_open() {
  # shellcheck disable=SC2016  # expanded by the inner bash
  timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$1" 2>/dev/null
}

# start NAME ENV...: starts $BIN_DIR/NAME with LISTEN_ADDR=127.0.0.1:0, waits for
# its "event=listening ... port=N" line and sets PORT=N. With a LOG_LEVEL that
# hides that info line (warn, error) it picks a free port itself instead and
# waits until the port accepts connections.
PORT="" START_PID="" DEATHSIG=()
setpriv --pdeathsig TERM true 2>/dev/null && DEATHSIG=(setpriv --pdeathsig TERM --)
start() {
  local name=$1 log=$WORK/$1.log pid port="" i
  shift
  local listen=0 quiet=0
  case $LOG_LEVEL_SERVERS in
    debug|info) ;;
    *) quiet=1
       for i in $(seq 1 50); do
         listen=$(( ((RANDOM << 15) | RANDOM) % 30000 + 20000 ))
         port_open "$listen" || break
       done ;;
  esac
  : >"$log"   # exists before the child opens it, so the first sed below can read it
  # --pdeathsig: the server gets SIGTERM should this script be killed outright.
  "${DEATHSIG[@]}" env "$@" LISTEN_ADDR="127.0.0.1:$listen" LOG_LEVEL="$LOG_LEVEL_SERVERS" \
    "$BIN_DIR/$name" </dev/null >"$log" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  START_PID=$pid
  for ((i = 0; i < START_WAIT_S * 10; i++)); do
    if [ "$quiet" = 1 ]; then
      port_open "$listen" && port=$listen
    else
      port=$(sed -n 's/.*event=listening.* port=\([0-9][0-9]*\).*/\1/p' "$log" | head -n 1) || port=""
    fi
    [ -n "$port" ] && break
    alive "$pid" || die "$name exited during start-up"
    sleep 0.1
  done
  [ -n "$port" ] || die "$name did not start listening within ${START_WAIT_S}s"
  PORT=$port
}

json_field() {  # json_field NAME < json: a top-level string field (tokens hold no quotes)
  sed -n "s/.*\"$1\" *: *\"\\([^\"]*\\)\".*/\\1/p" | head -n 1
}

# gw METHOD PATH [BODY]: HTTP status on the first line, the body after it.
gw() {
  local method=$1 path=$2 body=${3:-} args=()
  [ -n "${TOKEN:-}" ] && args+=(-H "Authorization: Bearer $TOKEN")
  [ -n "$body" ] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
  local all
  all=$(curl -sS -m 10 -X "$method" "${args[@]}" -w '\n%{http_code}' \
    "http://127.0.0.1:$GW_PORT$path" 2>&1) || true
  printf '%s\n%s\n' "${all##*$'\n'}" "${all%$'\n'*}"
}

# ---------------------------------------------------------------- load generators

CLK_TCK=$(getconf CLK_TCK)
# CPU ticks (user + system) used so far by process $1.
proc_ticks() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{ print $12 + $13 }'; }
# "busy total" ticks of the whole machine.
machine_ticks() { awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6, t; exit }' /proc/stat; }
CPU_BEFORE=""
cpu_start() { CPU_BEFORE="$(proc_ticks "$GW_PID") $(proc_ticks "$USERS_PID") $(machine_ticks)"; }
# cpu_end REQUESTS: "gateway_us_per_req users_us_per_req machine_busy_pct"
cpu_end() {
  awk -v before="$CPU_BEFORE" -v after="$(proc_ticks "$GW_PID") $(proc_ticks "$USERS_PID") $(machine_ticks)" \
      -v n="$1" -v hz="$CLK_TCK" 'BEGIN {
    split(before, b, " "); split(after, a, " ")
    if (n < 1) n = 1
    printf "%.0f %.0f %.0f\n", (a[1] - b[1]) * 1e6 / hz / n, (a[2] - b[2]) * 1e6 / hz / n,
      (a[4] > b[4] ? (a[3] - b[3]) * 100 / (a[4] - b[4]) : 0)
  }'
}

# loadgen OUT CMD...: runs a load generator in the background with its output
# in OUT and waits for it, so that a signal to this script interrupts the wait
# at once (wrk exits 0 on SIGINT, and bash drops a SIGINT that a foreground
# child handled) and cleanup can stop it.
LOADGEN_PID=""
loadgen() {
  local out=$1 rc=0
  shift
  "$@" </dev/null >"$out" 2>&1 &
  LOADGEN_PID=$!
  wait "$LOADGEN_PID" || rc=$?
  LOADGEN_PID=""
  return "$rc"
}

# run_wrk LABEL METHOD PATH [BODY]: sets RESULT to "rps p50_ms p99_ms requests
# errors gateway_cpu_us/req users_cpu_us/req machine_busy_%".
RESULT=""
run_wrk() {
  local label=$1 method=$2 path=$3 body=${4:-} out=$WORK/wrk-$1.txt line
  cat >"$WORK/wrk.lua" <<'EOF'
wrk.method = os.getenv("BENCH_METHOD")
local body = os.getenv("BENCH_BODY")
if body ~= nil and body ~= "" then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
end
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH_RESULT requests=%d duration_us=%d rps=%.1f p50_us=%d p99_us=%d errors=%d" ..
    " connect=%d read=%d write=%d status=%d timeout=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout,
    e.connect, e.read, e.write, e.status, e.timeout))
end
EOF
  export BENCH_METHOD=$method BENCH_BODY=$body BENCH_TOKEN=$TOKEN
  if [ "$WARMUP" -gt 0 ]; then
    loadgen "$WORK/wrk-$label-warmup.txt" wrk --timeout 10s -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" \
      -s "$WORK/wrk.lua" "http://127.0.0.1:$GW_PORT$path" ||
      die "wrk warm-up failed for $label: $(tail -n 3 "$WORK/wrk-$label-warmup.txt")"
  fi
  cpu_start
  loadgen "$out" wrk --timeout 10s -t"$THREADS" -c"$CONNECTIONS" -d"${SECONDS_MEASURED}s" \
    -s "$WORK/wrk.lua" "http://127.0.0.1:$GW_PORT$path" ||
    die "wrk failed for $label: $(tail -n 3 "$out")"
  line=$(grep '^BENCH_RESULT ' "$out") || die "no result from wrk for $label: $(tail -n 3 "$out")"
  local requests=${line#*requests=}
  requests=${requests%% *}
  case $line in
    *" errors=0 "*) ;;
    *) say "wrk $label: errors (non-2xx/3xx answers are 'status', no answer in 10 s is 'timeout'): ${line#* errors=}" ;;
  esac
  RESULT=$(awk -v line="$line" -v cpu="$(cpu_end "$requests")" 'BEGIN {
    n = split(line, f, " ")
    for (i = 2; i <= n; i++) { split(f[i], kv, "="); v[kv[1]] = kv[2] }
    printf "%.1f %.2f %.2f %d %d %s\n", v["rps"], v["p50_us"] / 1000, v["p99_us"] / 1000, v["requests"], v["errors"], cpu
  }')
}

# run_h2load LABEL RPC FRAME_FILE: sets RESULT like run_wrk.
run_h2load() {
  local label=$1 rpc=$2 frame=$3 out=$WORK/h2load-$1.txt log=$WORK/h2load-$1.tsv
  local rps done_n succeeded
  local args=(-c"$CONNECTIONS" -m1 -t"$THREADS" -H 'content-type: application/grpc'
    -H 'te: trailers' -H "authorization: Bearer $TOKEN" -d "$frame")
  local url=http://127.0.0.1:$USERS_PORT/kiosk.users.v1.UsersService/$rpc
  if [ "$WARMUP" -gt 0 ]; then
    loadgen "$WORK/h2load-$label-warmup.txt" h2load "${args[@]}" -D "${WARMUP}s" "$url" ||
      die "h2load warm-up failed for $label: $(tail -n 3 "$WORK/h2load-$label-warmup.txt")"
  fi
  cpu_start
  loadgen "$out" h2load "${args[@]}" -D "${SECONDS_MEASURED}s" --log-file="$log" "$url" ||
    die "h2load failed for $label: $(tail -n 3 "$out")"
  # "finished in 10.00s, 12345.60 req/s, 1.23MB/s"
  rps=$(sed -n 's/^finished in .*, \([0-9.]*\) req\/s.*/\1/p' "$out")
  # "requests: N total, N started, N done, N succeeded, N failed, N errored, N timeout"
  done_n=$(sed -n 's/^requests: .* \([0-9]*\) done.*/\1/p' "$out")
  succeeded=$(sed -n 's/^requests: .* \([0-9]*\) succeeded.*/\1/p' "$out")
  [ -n "$rps" ] && [ -n "$done_n" ] || die "cannot read h2load's output for $label: $(tail -n 5 "$out")"
  # Column 3 of the log: microseconds until the end of the response.
  RESULT=$(cut -f3 "$log" | sort -n | awk -v rps="$rps" -v done_n="$done_n" -v ok="$succeeded" \
      -v cpu="$(cpu_end "$done_n")" '
    { v[NR] = $1 }
    END {
      if (NR == 0) { print "0 0 0 0 0 " cpu; exit }
      p50 = v[int(NR * 0.50) + (NR * 0.50 > int(NR * 0.50))]
      p99 = v[int(NR * 0.99) + (NR * 0.99 > int(NR * 0.99))]
      if (p50 == "") p50 = v[NR]; if (p99 == "") p99 = v[NR]
      printf "%.1f %.2f %.2f %d %d %s\n", rps, p50 / 1000, p99 / 1000, done_n, done_n - ok, cpu
    }')
}

# check_grpc RPC FRAME_FILE EXPECT: one call with curl; grpc-status must be 0 and
# the protobuf reply must contain EXPECT (h2load counts any HTTP 200 as success).
check_grpc() {
  local rpc=$1 frame=$2 expect=$3 headers=$WORK/grpc-$1.headers body=$WORK/grpc-$1.body status
  curl -sS -m 10 --http2-prior-knowledge -X POST \
    -H 'content-type: application/grpc' -H 'te: trailers' -H "authorization: Bearer $TOKEN" \
    --data-binary @"$frame" -D "$headers" -o "$body" \
    "http://127.0.0.1:$USERS_PORT/kiosk.users.v1.UsersService/$rpc" ||
    die "direct gRPC $rpc: curl failed"
  status=$(tr -d '\r' <"$headers" | sed -n 's/^grpc-status: *//Ip' | tail -n 1)
  [ "$status" = 0 ] || die "direct gRPC $rpc answered grpc-status '${status:-none}' ($(tr -d '\r' <"$headers" | sed -n 's/^grpc-message: *//Ip'))"
  grep -aq -- "$expect" "$body" || die "direct gRPC $rpc: the reply does not contain '$expect'"
}

# ---------------------------------------------------------------- main

say "binaries from $BIN_DIR; $(nproc) CPUs; load average $(cut -d' ' -f1-3 /proc/loadavg)"
setup_database

SECRET=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
start kiosk-users DATABASE_URL="$DB_URL" SECRET_KEY="$SECRET" \
  ACCESS_TOKEN_TTL=86400 KIOSK_ENV=development
USERS_PORT=$PORT USERS_PID=$START_PID
for ((i = 0; ; i++)); do
  "$BIN_DIR/kiosk-healthcheck" --addr="127.0.0.1:$USERS_PORT" --timeout-ms=1000 </dev/null >/dev/null 2>&1 && break
  [ "$i" -lt $((START_WAIT_S * 5)) ] || die "kiosk-users did not become SERVING"
  sleep 0.2
done
# Nothing listens on port 9 here: the other services are not part of this bench.
start kiosk-gateway USERS_ADDR="127.0.0.1:$USERS_PORT" MEDIA_ADDR=127.0.0.1:9 \
  DOWNLOADS_ADDR=127.0.0.1:9 PLEX_ADDR=127.0.0.1:9 GATEWAY_THREADS="$GW_THREADS" \
  KIOSK_ENV=development
GW_PORT=$PORT GW_PID=$START_PID
say "kiosk-users on 127.0.0.1:$USERS_PORT, kiosk-gateway on 127.0.0.1:$GW_PORT (GATEWAY_THREADS=$GW_THREADS)"

# Log in as the default admin and change its password: the new session's
# access token lives ACCESS_TOKEN_TTL (a day), longer than the bench.
TOKEN=""
for ((i = 0; ; i++)); do
  reply=$(gw POST /api/v1/auth/login '{"username":"admin","password":"admin"}')
  [ "$(head -n 1 <<<"$reply")" = 200 ] && break
  [ "$i" -lt 20 ] || die "login through the gateway failed: $reply"
  sleep 0.25
done
TOKEN=$(tail -n +2 <<<"$reply" | json_field accessToken)
[ -n "$TOKEN" ] || die "no accessToken in the login reply"
NEW_PASSWORD=Bench-$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')
reply=$(gw POST /api/v1/auth/password "{\"currentPassword\":\"admin\",\"newPassword\":\"$NEW_PASSWORD\"}")
[ "$(head -n 1 <<<"$reply")" = 200 ] || die "changing the admin password failed: $reply"
TOKEN=$(tail -n +2 <<<"$reply" | json_field accessToken)
[ -n "$TOKEN" ] || die "no accessToken in the password change reply"

# The routes answer what they should, through the gateway and directly.
reply=$(gw GET /api/v1/auth/me)
[ "$(head -n 1 <<<"$reply")" = 200 ] && grep -q '"username": *"admin"' <<<"$reply" ||
  die "GET /api/v1/auth/me: $reply"
PATCH_BODY='{"preferredLanguage":"fr"}'
reply=$(gw PATCH /api/v1/auth/me "$PATCH_BODY")
[ "$(head -n 1 <<<"$reply")" = 200 ] && grep -q '"preferredLanguage": *"fr"' <<<"$reply" ||
  die "PATCH /api/v1/auth/me: $reply"
# gRPC frames: flag 0, 4-byte big-endian length, protobuf. MeRequest is empty;
# UpdateMeRequest{preferred_language (field 2, string) = "fr"} is 12 02 66 72.
printf '\x00\x00\x00\x00\x00' >"$WORK/me.frame"
printf '\x00\x00\x00\x00\x04\x12\x02fr' >"$WORK/update_me.frame"
check_grpc Me "$WORK/me.frame" admin
check_grpc UpdateMe "$WORK/update_me.frame" fr

# ---------------------------------------------------------------- measure

say "measuring: ${SECONDS_MEASURED}s per run after ${WARMUP}s of warm-up, $CONNECTIONS connections, $THREADS load threads"
declare -A R
run_wrk get GET /api/v1/auth/me; R[get_gw]=$RESULT
run_h2load get Me "$WORK/me.frame"; R[get_direct]=$RESULT
run_wrk patch PATCH /api/v1/auth/me "$PATCH_BODY"; R[patch_gw]=$RESULT
run_h2load patch UpdateMe "$WORK/update_me.frame"; R[patch_direct]=$RESULT
# The token and frames still work after the runs (no silent 401s or errors).
check_grpc Me "$WORK/me.frame" admin
[ "$(gw GET /api/v1/auth/me | head -n 1)" = 200 ] || die "GET /api/v1/auth/me fails after the runs"
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------- report

MISSED=0
echo
echo "gateway_bench: $CONNECTIONS connections, ${SECONDS_MEASURED}s per run, $(nproc) CPUs, GATEWAY_THREADS=$GW_THREADS, LOG_LEVEL=$LOG_LEVEL_SERVERS, load average after: $LOAD"
printf '%-30s %-8s %10s %8s %8s %9s %7s %12s %12s %6s\n' route mode "req/s" "p50 ms" "p99 ms" requests errors \
  "gw cpu us/r" "svc cpu us/r" "busy%"
for route in get patch; do
  case $route in
    get) name="GET /api/v1/auth/me"; rpc="UsersService/Me" ;;
    patch) name="PATCH /api/v1/auth/me"; rpc="UsersService/UpdateMe" ;;
  esac
  read -r g_rps g_p50 g_p99 g_n g_err g_gcpu g_scpu g_busy <<<"${R[${route}_gw]}"
  read -r d_rps d_p50 d_p99 d_n d_err _ d_scpu d_busy <<<"${R[${route}_direct]}"
  printf '%-30s %-8s %10s %8s %8s %9s %7s %12s %12s %6s\n' "$name" gateway "$g_rps" "$g_p50" "$g_p99" \
    "$g_n" "$g_err" "$g_gcpu" "$g_scpu" "$g_busy"
  printf '%-30s %-8s %10s %8s %8s %9s %7s %12s %12s %6s\n' "$rpc (gRPC)" direct "$d_rps" "$d_p50" "$d_p99" \
    "$d_n" "$d_err" - "$d_scpu" "$d_busy"
  verdict=$(awk -v g="$g_rps" -v d="$d_rps" -v gp="$g_p99" -v dp="$d_p99" \
      -v ge="$g_err" -v de="$d_err" -v to="$TARGET_OVERHEAD_PCT" -v tp="$TARGET_P99_MS" 'BEGIN {
    ratio = d > 0 ? g / d : 0
    over = (1 - ratio) * 100
    ok = (over <= to && gp < tp && ge == 0 && de == 0)
    printf "%-30s ratio gateway/direct %.2f, overhead %.1f %% (target <= %d %%), p99 gateway %.2f ms (target < %d ms)%s: %s\n",
      "", ratio, over, to, gp, tp, (ge + de > 0 ? ", ERRORS" : ""), (ok ? "PASS" : "MISS")
  }')
  echo "$verdict"
  [[ $verdict == *MISS ]] && MISSED=1
  # Machine-readable lines for bench/run (metric, value, unit, target).
  printf 'RESULT\t%s\t%s\t%s\t%s\n' "$name via gateway (wrk, $CONNECTIONS conn)" "$g_rps" "req/s" "" \
    "$rpc direct gRPC (h2load, $CONNECTIONS conn)" "$d_rps" "req/s" "" \
    "$name via gateway p50" "$g_p50" "ms" "" \
    "$name via gateway p99" "$g_p99" "ms" "< $TARGET_P99_MS ms" \
    "$rpc direct gRPC p99" "$d_p99" "ms" ""
  awk -v g="$g_rps" -v d="$d_rps" -v n="$name" -v to="$TARGET_OVERHEAD_PCT" 'BEGIN {
    printf "RESULT\t%s gateway overhead\t%.1f\t%%\t<= %d %%\n", n, (d > 0 ? (1 - g / d) * 100 : 0), to }'
done
echo "(cpu us/r: CPU time of kiosk-gateway / kiosk-users per request during the run; busy%: whole machine, load generator and other work included)"
OK=1
if [ "$MISSED" = 1 ] && [ "${BENCH_ENFORCE:-}" = 1 ]; then exit 3; fi
exit 0
