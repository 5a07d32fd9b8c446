#!/usr/bin/env bash
# Compares PostgreSQL direct, pgagroal (performance, session and transaction pipelines) and
# PgBouncer (session and transaction modes) with pgbench, all in one run against one throwaway
# PostgreSQL. See bench/README.md.
#
#   BENCH_SECONDS=10          length of each measured pgbench run
#   BENCH_WARMUP_SECONDS=5    unmeasured select-only run before each target's first test
#   BENCH_CLIENTS="10 50"     client counts (pgbench -c), always with -j 2
#   BENCH_TX_CLIENTS="50 200" client counts for the transaction targets
#   BENCH_TARGETS=direct,pgagroal-performance,pgagroal-session,pgbouncer,pgagroal-transaction,pgbouncer-transaction
#   PGAGROAL_JAVA_OPTS        extra JVM options for pgagroal
#   PGAGROAL_JAR              another pgagroal jar than the checkout's
#   PGAGROAL_BASELINE_JAR     adds the target pgagroal-transaction-baseline: that jar's transaction pipeline
set -euo pipefail

# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"

seconds=${BENCH_SECONDS:-10}
warmup=${BENCH_WARMUP_SECONDS:-$((seconds < 5 ? seconds : 5))}
clients_list=${BENCH_CLIENTS:-10 50}
read_targets direct pgagroal-performance pgagroal-session pgbouncer pgagroal-transaction pgbouncer-transaction \
  ${PGAGROAL_BASELINE_JAR:+pgagroal-transaction-baseline}
# Transaction mode: many clients over few server connections.
tx_clients_list=${BENCH_TX_CLIENTS:-50 200}
tx_pool_size=10
pgbouncer=${PGBOUNCER:-/usr/sbin/pgbouncer}
# Server connections each pooler may open: the same budget for both, above the default 50 clients.
pool_size=60

# Test name -> pgbench options. -M simple is pgbench's default, spelled out for the table.
# shellcheck disable=SC2034 # read through the nameref in measure
declare -A test_options=(
  [select-simple]="-S -M simple"
  [select-prepared]="-S -M prepared"
  [tpcb]="-M simple"
  [connect-select]="-C -S -M simple"
)
tests=(select-simple select-prepared tpcb connect-select)
# Transaction-mode tests: select-only makes every query a transaction, so every query takes and
# gives back a server connection.
# shellcheck disable=SC2034 # read through the nameref in measure
declare -A tx_test_options=(
  [tx-select-simple]="-S -M simple"
  [tx-select-extended]="-S -M extended"
  [tx-select-prepared]="-S -M prepared"
  [tx-tpcb-simple]="-M simple"
)
tx_tests=(tx-select-simple tx-select-extended tx-select-prepared tx-tpcb-simple)

find_pg_bin
if [[ ! -x $PG_BIN/pgbench ]]; then
  echo "pgbench is missing next to $PG_BIN/postgres (Debian: apt-get install postgresql-client)." >&2
  exit 1
fi

bench_init pgagroal-bench
start_postgres 200
log "pgbench -i -s 10"
"$PG_BIN/pgbench" -i -q -s 10 -h 127.0.0.1 -p "$pg_port" -U postgres postgres >"$work/init.log" 2>&1 || {
  cat "$work/init.log" >&2
  exit 1
}

# start_pgbouncer <session|transaction>
start_pgbouncer() {
  local mode=$1 port dir=$work/pgbouncer-$1 size=$pool_size
  [[ $mode == transaction ]] && size=$tx_pool_size
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
pool_mode = $mode
max_client_conn = 500
default_pool_size = $size
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

declare -A tps failed aborted measured
# measure <target> <port>: every test at every client count, results into tps[], failed[] and
# aborted[] (clients pgbench gave up on: their transactions are in no count, so a TPS figure with
# aborted clients is not comparable).
measure() {
  local target=$1 port=$2 test clients output key
  local options_name=test_options run_tests=("${tests[@]}") run_clients=$clients_list warmup_clients=10
  if [[ $target == *transaction* ]]; then
    options_name=tx_test_options
    run_tests=("${tx_tests[@]}")
    run_clients=$tx_clients_list
    # More clients than connections, so that the warm-up also runs the waiting and hand-over path.
    warmup_clients=${tx_clients_list%% *}
  fi
  local -n options=$options_name
  if ((warmup > 0)); then
    log "[$target] warming up for $warmup s with $warmup_clients clients"
    "$PG_BIN/pgbench" -n -S -c "$warmup_clients" -j 2 -T "$warmup" -h 127.0.0.1 -p "$port" -U postgres postgres \
      >/dev/null 2>&1 || true
  fi
  for test in "${run_tests[@]}"; do
    for clients in $run_clients; do
      key="$test|$clients|$target"
      measured[$key]=1
      # shellcheck disable=SC2086 # the options are a list
      output=$("$PG_BIN/pgbench" -n ${options[$test]} -c "$clients" -j 2 -T "$seconds" \
        -h 127.0.0.1 -p "$port" -U postgres postgres 2>"$work/pgbench.err") || true
      tps[$key]=$(sed -n -E 's/^tps = ([0-9.]+).*/\1/p' <<<"$output" | head -n 1)
      failed[$key]=$(sed -n -E 's/^number of failed transactions: ([0-9]+).*/\1/p' <<<"$output")
      aborted[$key]=$(grep -c 'aborted in command' "$work/pgbench.err" || true)
      if ((aborted[$key] > 0)); then
        log "[$target] $test with $clients clients: ${aborted[$key]} clients aborted, for example:"
        grep -m 1 'aborted in command' "$work/pgbench.err" >&2
      fi
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
  case $target in
    pgbouncer | pgbouncer-transaction)
      pooler_port=""
      if [[ ! -x $pgbouncer ]]; then
        log "Skipping $target: $pgbouncer is not installed (Debian: apt-get install pgbouncer)."
        continue
      fi
      if [[ $target == pgbouncer ]]; then start_pgbouncer session || true; else start_pgbouncer transaction || true; fi
      ;;
    *) start_target "$target" ;;
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
  echo "pgagroal on $(java_version_line)"
fi
if [[ ${ran[*]} == *pgbouncer* ]]; then
  "$pgbouncer" --version | head -n 1
fi
printf '%-18s %7s  %-22s %12s %10s %8s %8s\n' test clients target TPS "vs direct" failed aborted
# shellcheck disable=SC2086 # lists of numbers, split on purpose
all_clients=$(printf '%s\n' $clients_list $tx_clients_list | sort -n -u)
for test in "${tests[@]}" "${tx_tests[@]}"; do
  for clients in $all_clients; do
    direct=${tps["$test|$clients|direct"]:-}
    for target in "${ran[@]}"; do
      key="$test|$clients|$target"
      [[ -n ${measured[$key]:-} ]] || continue
      value=${tps[$key]:-} shown=failed ratio="-"
      if [[ -n $value ]]; then
        shown=$(printf '%.1f' "$value")
        if [[ -n $direct ]]; then
          ratio=$(awk -v a="$value" -v b="$direct" 'BEGIN { printf "%.2f", a / b }')
        fi
      fi
      printf '%-18s %7s  %-22s %12s %10s %8s %8s\n' "$test" "$clients" "$target" "$shown" "$ratio" \
        "${failed[$key]:--}" "${aborted[$key]:--}"
    done
  done
done
if ((${#not_started[@]} > 0)); then
  echo "Not measured, did not start: ${not_started[*]}" >&2
  exit 1
fi
