#!/usr/bin/env bash
# Compares PostgreSQL direct, PgBouncer (session and transaction modes) and pgagroal (performance,
# session and transaction pipelines) with pgbench, all in one run against one throwaway
# PostgreSQL: throughput, latency at a fixed rate, the pooler's CPU time, system calls and context
# switches per transaction, the first seconds after start, and memory per idle client. Medians of
# interleaved rounds. See bench/README.md.
#
#   BENCH_SECONDS=10            length of each measured pgbench run
#   BENCH_ROUNDS=3              rounds; each starts every pooler afresh, in a rotated order
#   BENCH_WARMUP_SECONDS=3      unmeasured select-only run after the cold run of each round
#   BENCH_POOL=20               server connections of every pooler
#   BENCH_RATE=5000             transactions per second of the latency test
#   BENCH_IDLE_CLIENTS=10000    idle clients of the memory test (transaction targets)
#   BENCH_AUTH=scram            scram (SCRAM-SHA-256 everywhere) or trust
#   BENCH_HUGE_PAGES=0          as root, huge pages to reserve for PostgreSQL's shared memory
#                               during the run (120 is enough; see bench/README.md)
#   BENCH_PAUSE_DAMON=0         1: as root, the kernel's DAMON threads are stopped during the run
#                               and started again at its end (see bench/README.md)
#   BENCH_TARGETS=direct,pgbouncer,pgbouncer-transaction,pgagroal-performance,pgagroal-session,pgagroal-transaction
#                               (a pgagroal target may add pgagroal.conf lines: pgagroal-session/worker_threads=1/ev_backend=io_uring;
#                               also relay and relay-epoll, only when named: bench/relay.c, the floor under every pooler)
#   BENCH_TESTS=cold,select-simple,select-prepared,connect,tpcb,select-50,latency,idle
#                               (also select-extended, only when named)
#   BENCH_CLIENTS=10            clients of every test but select-50 (50) and idle
#   PGAGROAL_JAVA_OPTS          extra JVM options for pgagroal
#   PGAGROAL_JAR                another pgagroal jar than the checkout's
#   PGAGROAL_BASELINE_JAR       adds the target pgagroal-transaction-baseline: that jar's transaction pipeline
set -euo pipefail

# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"

seconds=${BENCH_SECONDS:-10}
rounds=${BENCH_ROUNDS:-3}
warmup=${BENCH_WARMUP_SECONDS:-3}
pool_size=${BENCH_POOL:-20}
tx_pool_size=$pool_size
rate=${BENCH_RATE:-5000}
idle_clients=${BENCH_IDLE_CLIENTS:-10000}
auth=${BENCH_AUTH:-scram}
pgbouncer_clients=$((idle_clients + 200))
optional_targets=(relay relay-epoll)
read_targets direct pgbouncer pgbouncer-transaction pgagroal-performance pgagroal-session pgagroal-transaction \
  ${PGAGROAL_BASELINE_JAR:+pgagroal-transaction-baseline}

# Test name -> pgbench options and clients. cold is select-simple in the first seconds after the
# pooler started, before any warm-up; latency runs at a fixed rate; idle is not a pgbench run.
default_tests=(cold select-simple select-prepared connect tpcb select-50 latency idle)
all_tests=("${default_tests[@]}" select-extended)
declare -A test_options=(
  [cold]="-S -M simple"
  [select-simple]="-S -M simple"
  [select-extended]="-S -M extended"
  [select-prepared]="-S -M prepared"
  [connect]="-C -S -M simple"
  [tpcb]="-M simple"
  [select-50]="-S -M simple"
  [latency]="-S -M simple -R $rate"
)
declare -A test_clients=([select-50]=50)
IFS=, read -r -a tests <<<"${BENCH_TESTS:-$(IFS=,; echo "${default_tests[*]}")}"
for test in "${tests[@]}"; do
  if [[ " ${all_tests[*]} " != *" $test "* ]]; then
    echo "Unknown test '$test' in BENCH_TESTS" >&2
    exit 2
  fi
done
runs() {
  [[ " ${tests[*]} " == *" $1 "* ]]
}

find_pg_bin
if [[ ! -x $PG_BIN/pgbench ]]; then
  echo "pgbench is missing next to $PG_BIN/postgres (Debian: apt-get install postgresql-client)." >&2
  exit 1
fi
have_perf=false
if command -v perf >/dev/null && perf stat -e raw_syscalls:sys_enter -- true >/dev/null 2>&1; then
  have_perf=true
else
  log "perf with tracepoints is not available: CPU per transaction from /proc, no system calls or context switches"
fi

bench_init pgagroal-bench
# Enough file descriptors for the idle clients, in this shell and so in the poolers it starts.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if ((${BENCH_HUGE_PAGES:-0} > 0)); then
  reserve_huge_pages "$BENCH_HUGE_PAGES"
fi
if [[ ${BENCH_PAUSE_DAMON:-0} == 1 ]]; then
  pause_damon
fi
start_postgres 200
log "pgbench -i -s 10"
"$PG_BIN/pgbench" -i -q -s 10 -h 127.0.0.1 -p "$pg_port" -U postgres postgres >"$work/init.log" 2>&1 || {
  cat "$work/init.log" >&2
  exit 1
}
if [[ $auth == scram ]]; then
  use_scram
fi

# User and system CPU time of <pid> in seconds (every thread), from /proc: "<user> <system>".
cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); print $12 / hz, $13 / hz }' "/proc/$1/stat"
}

# Results: "<test>|<target>" -> space-separated values, one per round.
declare -A tps broken failed aborted cpu cpu_user cpu_sys client_cpu syscalls switches p50 p99 idle_kib idle_ok
append() {
  local -n into=$1
  into[$2]="${into[$2]:-}${into[$2]:+ }$3"
}

# pgbench_run <target> <test> <port>: one measured run, with the pooler's CPU time, system calls
# and context switches counted by perf for exactly the length of the run.
pgbench_run() {
  local target=$1 test=$2 port=$3 clients=${test_clients[$2]:-${BENCH_CLIENTS:-10}} output perf_pid="" cpu_before=""
  local key="$test|$target" extra=() transactions TIMEFORMAT="%U %S"
  if [[ $test == latency ]]; then
    rm -rf "$work/latency" && mkdir "$work/latency"
    extra=(-l --log-prefix="$work/latency/log")
  fi
  if [[ -n $pooler_pid ]]; then
    cpu_before=$(cpu_seconds "$pooler_pid")
    if $have_perf; then
      perf stat -x, -e task-clock,context-switches,raw_syscalls:sys_enter -p "$pooler_pid" -o "$work/perf.csv" &
      perf_pid=$!
      sleep 0.2
    fi
  fi
  # shellcheck disable=SC2086 # the options are a list
  { time output=$("$PG_BIN/pgbench" -n ${test_options[$test]} -c "$clients" -j 2 -T "$seconds" "${extra[@]}" \
    -h 127.0.0.1 -p "$port" -U postgres postgres 2>"$work/pgbench.err"); } 2>"$work/pgbench.time" || true
  transactions=$(sed -n -E 's/^number of transactions actually processed: ([0-9]+).*/\1/p' <<<"$output")
  if ((${transactions:-0} > 0)); then
    append client_cpu "$key" "$(awk -v n="$transactions" '{ printf "%.1f", ($1 + $2) * 1000000 / n }' "$work/pgbench.time")"
  fi
  if [[ -n $perf_pid ]]; then
    kill -INT "$perf_pid" || true
    wait "$perf_pid" || true
    if ((${transactions:-0} > 0)); then
      append cpu "$key" "$(awk -F, -v n="$transactions" '$3 == "task-clock" { printf "%.1f", $1 * 1000 / n }' "$work/perf.csv")"
      append switches "$key" "$(awk -F, -v n="$transactions" '$3 == "context-switches" { printf "%.2f", $1 / n }' "$work/perf.csv")"
      append syscalls "$key" "$(awk -F, -v n="$transactions" '$3 == "raw_syscalls:sys_enter" { printf "%.2f", $1 / n }' "$work/perf.csv")"
    fi
  fi
  if [[ -n $cpu_before ]] && ((${transactions:-0} > 0)); then
    local user system sum
    read -r user system sum < <(awk -v a="$cpu_before" -v b="$(cpu_seconds "$pooler_pid")" -v n="$transactions" \
      'BEGIN { split(a, x, " "); split(b, y, " "); u = (y[1] - x[1]) * 1000000 / n; s = (y[2] - x[2]) * 1000000 / n
               printf "%.1f %.1f %.1f\n", u, s, u + s }')
    append cpu_user "$key" "$user"
    append cpu_sys "$key" "$system"
    if [[ -z $perf_pid ]]; then
      append cpu "$key" "$sum"
    fi
  fi
  local value
  value=$(sed -n -E 's/^tps = ([0-9.]+).*/\1/p' <<<"$output" | head -n 1)
  if [[ -n $value ]]; then
    append tps "$key" "$value"
  else
    append broken "$key" 1
  fi
  append failed "$key" "$(sed -n -E 's/^number of failed transactions: ([0-9]+).*/\1/p' <<<"$output")"
  append aborted "$key" "$(grep -c 'aborted in command' "$work/pgbench.err" || true)"
  if grep -q 'aborted in command' "$work/pgbench.err"; then
    log "[$target] $test: clients aborted, for example: $(grep -m 1 'aborted in command' "$work/pgbench.err")"
  fi
  if [[ -z $value ]]; then
    log "[$target] $test failed: $(tail -n 3 "$work/pgbench.err")"
  fi
  if [[ $test == latency ]] && [[ -n $value ]]; then
    # Log lines: client transaction latency_us script epoch us schedule_lag_us. Latency without the lag.
    cat "$work"/latency/log* | awk '{ print $3 - $7 }' | sort -n >"$work/latency.sorted"
    append p50 "$key" "$(awk '{ v[NR] = $1 } END { printf "%.2f", v[int(NR * 0.50) + 1] / 1000 }' "$work/latency.sorted")"
    append p99 "$key" "$(awk '{ v[NR] = $1 } END { printf "%.2f", v[int(NR * 0.99) + 1] / 1000 }' "$work/latency.sorted")"
  fi
  log "[$target] $test, $clients clients: ${value:-failed} tps"
}

# idle_run <target> <port>: RSS per idle client of the pooler.
idle_run() {
  local target=$1 port=$2 output
  output=$(python3 "$repo/bench/idle_clients.py" --port "$port" --clients "$idle_clients" --pid "$pooler_pid" \
    --password "${PGPASSWORD:-}" 2>"$work/idle.err") || true
  append idle_kib "idle|$target" "$(sed -n 's/^kib_per_client=//p' <<<"$output")"
  append idle_ok "idle|$target" "$(sed -n 's/^clients=//p' <<<"$output")"
  log "[$target] idle: $(tr '\n' ' ' <<<"$output") $(cat "$work/idle.err")"
}

# measure <target> <port>: one round of every test.
measure() {
  local target=$1 port=$2 test
  if runs cold; then
    pgbench_run "$target" cold "$port"
  fi
  if ((warmup > 0)); then
    "$PG_BIN/pgbench" -n -S -c 10 -j 2 -T "$warmup" -h 127.0.0.1 -p "$port" -U postgres postgres >/dev/null 2>&1 || true
  fi
  for test in "${tests[@]}"; do
    case $test in
      cold) ;;
      idle) if [[ $target == *transaction* ]]; then idle_run "$target" "$port"; fi ;;
      *) pgbench_run "$target" "$test" "$port" ;;
    esac
  done
}

not_started=()
for ((round = 0; round < rounds; round++)); do
  count=${#targets[@]}
  for ((i = 0; i < count; i++)); do
    target=${targets[(i + round) % count]}
    if [[ $target == pgbouncer* && ! -x $pgbouncer ]]; then
      [[ $round == 0 ]] && log "Skipping $target: $pgbouncer is not installed (Debian: apt-get install pgbouncer)."
      continue
    fi
    log "Round $((round + 1)) of $rounds: $target"
    start_any "$target"
    if [[ -n $pooler_port ]]; then
      measure "$target" "$pooler_port"
    elif [[ $round == 0 ]]; then
      not_started+=("$target")
    fi
    stop_pooler
  done
done

median() {
  tr ' ' '\n' <<<"$1" | { grep -v '^$' || true; } | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
total() {
  tr ' ' '\n' <<<"$1" | awk '{ s += $1 } END { print s + 0 }'
}

width=30
for target in "${targets[@]}"; do
  if ((${#target} > width)); then width=${#target}; fi
done
echo
echo "pgbench, $seconds s per run, median of $rounds interleaved rounds, -j 2, scale 10, pool of $pool_size, auth $auth;" \
  "$(nproc) cores; $("$PG_BIN/postgres" --version), shared memory on $(postgres_page_size)," \
  "kernel DAMON $(damon_state)"
if [[ ${targets[*]} == *pgagroal* ]]; then
  echo "pgagroal on $(java_version_line)"
fi
if [[ -x $pgbouncer && ${targets[*]} == *pgbouncer* ]]; then
  "$pgbouncer" --version | head -n 1
fi
printf "%-16s %7s  %-${width}s %10s %9s %10s %8s %8s %11s %8s %10s %7s %8s\n" test clients target TPS "vs direct" "CPU us/tx" \
  "user" "system" "syscalls/tx" "cs/tx" "pgbench/tx" failed aborted
for test in "${tests[@]}"; do
  [[ $test == idle || $test == latency ]] && continue
  direct=$(median "${tps["$test|direct"]:-}")
  for target in "${targets[@]}"; do
    key="$test|$target"
    [[ -n ${tps[$key]:-}${broken[$key]:-} ]] || continue
    value=$(median "${tps[$key]:-}") ratio="-"
    if [[ $value == - ]]; then
      value=failed
    elif [[ $direct != - && $target != direct ]]; then
      ratio=$(awk -v a="$value" -v b="$direct" 'BEGIN { printf "%.2f", a / b }')
    fi
    if [[ -n ${broken[$key]:-} ]]; then
      log "$test, $target: $(total "${broken[$key]}") of $rounds runs failed; the figures are of the others"
    fi
    printf "%-16s %7s  %-${width}s %10s %9s %10s %8s %8s %11s %8s %10s %7s %8s\n" "$test" "${test_clients[$test]:-${BENCH_CLIENTS:-10}}" "$target" \
      "$([[ $value == failed ]] && echo failed || printf '%.0f' "$value")" "$ratio" \
      "$(median "${cpu[$key]:-}")" "$(median "${cpu_user[$key]:-}")" "$(median "${cpu_sys[$key]:-}")" \
      "$(median "${syscalls[$key]:-}")" "$(median "${switches[$key]:-}")" "$(median "${client_cpu[$key]:-}")" \
      "$(total "${failed[$key]:-}")" "$(total "${aborted[$key]:-}")"
  done
done
if runs latency; then
  echo
  echo "Latency at $rate transactions/s, ${BENCH_CLIENTS:-10} clients, -S, without schedule lag (median of rounds), ms:"
  printf "%-${width}s %8s %8s %10s\n" target p50 p99 "CPU us/tx"
  for target in "${targets[@]}"; do
    key="latency|$target"
    [[ -n ${p50[$key]:-} ]] || continue
    printf "%-${width}s %8s %8s %10s\n" "$target" "$(median "${p50[$key]}")" "$(median "${p99[$key]}")" "$(median "${cpu[$key]:-}")"
  done
fi
if runs idle; then
  echo
  echo "$idle_clients idle clients (transaction targets), the pooler's RSS growth per client (median of rounds):"
  printf "%-${width}s %12s %14s\n" target "KiB/client" "clients idle"
  for target in "${targets[@]}"; do
    key="idle|$target"
    [[ -n ${idle_kib[$key]:-} ]] || continue
    printf "%-${width}s %12s %14s\n" "$target" "$(median "${idle_kib[$key]}")" "$(median "${idle_ok[$key]}")"
  done
fi
if runs cold && runs select-simple; then
  echo
  echo "First $seconds s after start (cold) against select-simple after warm-up: TPS, and the pooler's CPU per transaction:"
  printf "%-${width}s %10s %10s\n" target "TPS ratio" "CPU ratio"
  ratio_of() {
    awk -v a="$(median "$1")" -v b="$(median "$2")" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f", a / b }'
  }
  for target in "${targets[@]}"; do
    [[ -n ${tps["cold|$target"]:-} && -n ${tps["select-simple|$target"]:-} ]] || continue
    printf "%-${width}s %10s %10s\n" "$target" "$(ratio_of "${tps["cold|$target"]}" "${tps["select-simple|$target"]}")" \
      "$(ratio_of "${cpu["cold|$target"]:-}" "${cpu["select-simple|$target"]:-}")"
  done
fi
if ((${#not_started[@]} > 0)); then
  echo "Not measured, did not start: ${not_started[*]}" >&2
  exit 1
fi
