#!/usr/bin/env bash
# Compares PostgreSQL direct, pgagroal (performance and session pipelines) and PgBouncer (session
# mode) with pgbench, all in one run against one throwaway PostgreSQL. See bench/README.md.
#
#   BENCH_SECONDS=10          length of each measured pgbench run
#   BENCH_WARMUP_SECONDS=5    unmeasured select-only run before each target's first test
#   BENCH_CLIENTS="10 50"     client counts (pgbench -c), always with -j 2
#   BENCH_TARGETS=direct,pgagroal-performance,pgagroal-session,pgbouncer
#   PGAGROAL_JAVA_OPTS        extra JVM options for pgagroal
set -euo pipefail

repo=$(dirname "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")")
# shellcheck source=SCRIPTDIR/../bin/lib/java.sh
source "$repo/bin/lib/java.sh"
# shellcheck source=SCRIPTDIR/../bin/lib/pg.sh
source "$repo/bin/lib/pg.sh"

seconds=${BENCH_SECONDS:-10}
warmup=${BENCH_WARMUP_SECONDS:-$((seconds < 5 ? seconds : 5))}
clients_list=${BENCH_CLIENTS:-10 50}
IFS=, read -r -a targets <<<"${BENCH_TARGETS:-direct,pgagroal-performance,pgagroal-session,pgbouncer}"
pgbouncer=${PGBOUNCER:-/usr/sbin/pgbouncer}
# Server connections each pooler may open: the same budget for both, above the default 50 clients.
pool_size=60

# Test name -> pgbench options. -M simple is pgbench's default, spelled out for the table.
declare -A test_options=(
  [select-simple]="-S -M simple"
  [select-prepared]="-S -M prepared"
  [tpcb]="-M simple"
  [connect-select]="-C -S -M simple"
)
tests=(select-simple select-prepared tpcb connect-select)

for target in "${targets[@]}"; do
  case $target in
    direct | pgagroal-performance | pgagroal-session | pgbouncer) ;;
    *) echo "Unknown target '$target' in BENCH_TARGETS" >&2; exit 2 ;;
  esac
done

find_pg_bin
if [[ ! -x $PG_BIN/pgbench ]]; then
  echo "pgbench is missing next to $PG_BIN/postgres (Debian: apt-get install postgresql-client)." >&2
  exit 1
fi
if [[ ${targets[*]} == *pgagroal* ]]; then
  prepare_pgagroal "$repo"
fi

work=$(make_server_dir pgagroal-bench)
pooler_pid=""

stop_pooler() {
  if [[ -n $pooler_pid ]]; then
    stop_process "$pooler_pid"
    pooler_pid=""
  fi
}
cleanup() {
  stop_pooler
  pg_stop "$work"
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log() {
  echo "$*" >&2
}

pg_port=$(free_port)
log "Starting $("$PG_BIN/postgres" --version) on 127.0.0.1:$pg_port"
pg_start "$work" "$pg_port" 200
log "pgbench -i -s 10"
"$PG_BIN/pgbench" -i -q -s 10 -h 127.0.0.1 -p "$pg_port" -U postgres postgres >"$work/init.log" 2>&1 || {
  cat "$work/init.log" >&2
  exit 1
}

# The poolers are started in this shell, not in a $(...) subshell, so that pooler_pid stays ours
# to stop; they report their port in pooler_port.
pooler_port=""

# start_pgagroal <pipeline>
start_pgagroal() {
  local pipeline=$1 port dir
  port=$(free_port)
  dir="$work/pgagroal-$pipeline"
  mkdir "$dir"
  write_pgagroal_conf "$dir" "$port" "$pg_port" "log_level = info" "max_connections = $pool_size" \
    "pipeline = $pipeline"
  chown -R --reference="$work" "$dir"
  exec_as_server_user "$repo/bin/pgagroal" -c "$dir/pgagroal.conf" -a "$dir/pgagroal_hba.conf" \
    >"$dir/pgagroal.log" 2>&1 &
  pooler_pid=$!
  wait_for_port "$port" 60 "$pooler_pid" || {
    log "pgagroal ($pipeline) did not start; its output:"
    cat "$dir/pgagroal.log" >&2
    return 1
  }
  pooler_port=$port
}

start_pgbouncer() {
  local port dir=$work/pgbouncer
  port=$(free_port)
  mkdir "$dir"
  echo '"postgres" ""' >"$dir/userlist.txt"
  cat >"$dir/pgbouncer.ini" <<CONF
[databases]
* = host=127.0.0.1 port=$pg_port

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = trust
auth_file = $dir/userlist.txt
pool_mode = session
max_client_conn = 500
default_pool_size = $pool_size
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
log_connections = 0
log_disconnections = 0
CONF
  chown -R --reference="$work" "$dir"
  # PgBouncer refuses to run as root; exec_as_server_user runs it as postgres then.
  exec_as_server_user "$pgbouncer" -q "$dir/pgbouncer.ini" >"$dir/stderr.log" 2>&1 &
  pooler_pid=$!
  wait_for_port "$port" 30 "$pooler_pid" || {
    log "PgBouncer did not start; its output:"
    cat "$dir/stderr.log" "$dir/pgbouncer.log" >&2 || true
    return 1
  }
  pooler_port=$port
}

declare -A tps failed
# measure <target> <port>: every test at every client count, results into tps[] and failed[].
measure() {
  local target=$1 port=$2 test clients output key
  if ((warmup > 0)); then
    log "[$target] warming up for $warmup s"
    "$PG_BIN/pgbench" -n -S -c 10 -j 2 -T "$warmup" -h 127.0.0.1 -p "$port" -U postgres postgres \
      >/dev/null 2>&1 || true
  fi
  for test in "${tests[@]}"; do
    for clients in $clients_list; do
      key="$test|$clients|$target"
      # shellcheck disable=SC2086 # the options are a list
      output=$("$PG_BIN/pgbench" -n ${test_options[$test]} -c "$clients" -j 2 -T "$seconds" \
        -h 127.0.0.1 -p "$port" -U postgres postgres 2>"$work/pgbench.err") || true
      tps[$key]=$(sed -n -E 's/^tps = ([0-9.]+).*/\1/p' <<<"$output" | head -n 1)
      failed[$key]=$(sed -n -E 's/^number of failed transactions: ([0-9]+).*/\1/p' <<<"$output")
      if [[ -z ${tps[$key]} ]]; then
        log "[$target] $test with $clients clients failed:"
        tail -n 5 "$work/pgbench.err" >&2
      fi
      log "[$target] $test, $clients clients: ${tps[$key]:-failed} tps"
    done
  done
}

ran=() not_started=()
for target in "${targets[@]}"; do
  pooler_port=""
  case $target in
    direct) pooler_port=$pg_port ;;
    pgagroal-*) start_pgagroal "${target#pgagroal-}" || true ;;
    pgbouncer)
      if [[ ! -x $pgbouncer ]]; then
        log "Skipping pgbouncer: $pgbouncer is not installed (Debian: apt-get install pgbouncer)."
        continue
      fi
      start_pgbouncer || true
      ;;
  esac
  if [[ -n $pooler_port ]]; then
    measure "$target" "$pooler_port"
    ran+=("$target")
  else
    not_started+=("$target")
  fi
  stop_pooler
done

echo
echo "pgbench, $seconds s per run, -j 2, scale 10; $(nproc) cores; $("$PG_BIN/postgres" --version)"
if [[ ${ran[*]} == *pgagroal* ]]; then
  echo "pgagroal on $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1)"
fi
if [[ ${ran[*]} == *pgbouncer* ]]; then
  "$pgbouncer" --version | head -n 1
fi
printf '%-16s %7s  %-22s %12s %10s %8s\n' test clients target TPS "vs direct" failed
for test in "${tests[@]}"; do
  for clients in $clients_list; do
    direct=${tps["$test|$clients|direct"]:-}
    for target in "${ran[@]}"; do
      key="$test|$clients|$target"
      value=${tps[$key]:-} shown=failed ratio="-"
      if [[ -n $value ]]; then
        shown=$(printf '%.1f' "$value")
        if [[ -n $direct ]]; then
          ratio=$(awk -v a="$value" -v b="$direct" 'BEGIN { printf "%.2f", a / b }')
        fi
      fi
      printf '%-16s %7s  %-22s %12s %10s %8s\n' "$test" "$clients" "$target" "$shown" "$ratio" \
        "${failed[$key]:--}"
    done
  done
done
if ((${#not_started[@]} > 0)); then
  echo "Not measured, did not start: ${not_started[*]}" >&2
  exit 1
fi
