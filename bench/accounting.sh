#!/usr/bin/env bash
# Whose CPU time is it: the pooler's event-loop thread's time on a processor over the same seconds
# of pgbench -S, counted three ways: the scheduler's switch events (from switching in to switching
# out), perf's task clock (what bench/run.sh reports) and the kernel's runtime (schedstat, what
# /proc's user + system time add up to); and PostgreSQL's and pgbench's tasks by switch events and
# runtime. Each as a share of one processor. See bench/README.md, Which CPU time.
#
#   BENCH_TARGETS=pgbouncer,pgagroal-session,pgagroal-session/ev_backend=epoll,pgagroal-transaction
#   BENCH_SECONDS=4             length of the measured window
#   BENCH_ROUNDS=2              rounds, each target started afresh
#   BENCH_HUGE_PAGES=0          as root, huge pages to reserve for PostgreSQL's shared memory
#   PGAGROAL_JAVA_OPTS, PGAGROAL_JAR as for bench/run.sh
# Needs root (perf records every processor's switches) and perf with tracepoints.
set -euo pipefail

# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"

seconds=${BENCH_SECONDS:-4}
rounds=${BENCH_ROUNDS:-2}
pool_size=20
tx_pool_size=$pool_size
optional_targets=(relay relay-epoll)
read_targets pgbouncer pgagroal-session pgagroal-session/ev_backend=epoll pgagroal-transaction

if [[ $(id -u) != 0 ]] || ! perf record -q -e sched:sched_switch -a -o /dev/null -- true 2>/dev/null; then
  echo "bench/accounting.sh needs root and perf with the sched:sched_switch tracepoint." >&2
  exit 1
fi
find_pg_bin
bench_init pgagroal-accounting
if ((${BENCH_HUGE_PAGES:-0} > 0)); then
  reserve_huge_pages "$BENCH_HUGE_PAGES"
fi
start_postgres 100
"$PG_BIN/pgbench" -i -q -s 10 -h 127.0.0.1 -p "$pg_port" -U postgres postgres >"$work/init.log" 2>&1 || {
  cat "$work/init.log" >&2
  exit 1
}
use_scram

# event_loop_thread: the pooler's thread that relays (PgBouncer's and the relay's only one, our worker loop).
event_loop_thread() {
  grep -l -E '^(pgagroal-worker|pgbouncer|relay)' "/proc/$pooler_pid"/task/*/comm | head -n 1 | cut -d/ -f5
}

# runtimes <pid> <tid>: "<uptime> <the thread's runtime> <PostgreSQL's and pgbench's runtime>", in
# seconds; run inside the measured window (defined again in its shell).
runtimes() {
  local others
  others=$(grep -l -x -E 'postgres|pgbench' /proc/[0-9]*/task/[0-9]*/comm 2>/dev/null | sed 's/comm$/schedstat/' |
    xargs cat 2>/dev/null | awk '{ s += $1 } END { printf "%.0f", s }')
  awk -v uptime="$(cut -d' ' -f1 /proc/uptime)" -v others="$others" '{ printf "%s %.6f %.6f\n", uptime, $1 / 1e9, others / 1e9 }' \
    "/proc/$1/task/$2/schedstat"
}

# measure <target>: one line of shares of a processor.
measure() {
  local target=$1 tid bench_pid before after
  "$PG_BIN/pgbench" -n -S -c 10 -j 2 -T 5 -h 127.0.0.1 -p "$pooler_port" -U postgres postgres >/dev/null 2>&1 || true
  "$PG_BIN/pgbench" -n -S -c 10 -j 2 -T $((seconds + 8)) -h 127.0.0.1 -p "$pooler_port" -U postgres postgres \
    >"$work/pgbench.out" 2>&1 &
  bench_pid=$!
  sleep 2
  tid=$(event_loop_thread)
  perf record -q -e sched:sched_switch -a -o "$work/switch.data" -- \
    perf stat -x, -e task-clock -t "$tid" -o "$work/clock.csv" -- \
    bash -c "$(declare -f runtimes); runtimes $pooler_pid $tid >'$work/before'; sleep $seconds; runtimes $pooler_pid $tid >'$work/after'" \
    2>/dev/null
  wait "$bench_pid" || true
  if ! grep -q '^tps = ' "$work/pgbench.out"; then
    log "[$target] pgbench failed: $(tail -n 3 "$work/pgbench.out")"
    return
  fi
  read -r -a before <"$work/before"
  read -r -a after <"$work/after"
  perf script -i "$work/switch.data" -F time,trace 2>/dev/null | awk -v tid="$tid" -v target="$target" \
    -v window="$(awk -v a="${before[0]}" -v b="${after[0]}" 'BEGIN { print b - a }')" \
    -v thread_runtime="$(awk -v a="${before[1]}" -v b="${after[1]}" 'BEGIN { print b - a }')" \
    -v others_runtime="$(awk -v a="${before[2]}" -v b="${after[2]}" 'BEGIN { print b - a }')" \
    -v clock="$(awk -F, '$3 == "task-clock" { print $1 / 1000 }' "$work/clock.csv")" '
    { time = $1; sub(":", "", time)
      match($0, /prev_pid=[0-9]+/); prev = substr($0, RSTART + 9, RLENGTH - 9)
      match($0, /next_pid=[0-9]+/); next_pid = substr($0, RSTART + 9, RLENGTH - 9)
      if (first == "") first = time
      last = time
      if (prev == tid && since != "") { thread += time - since; since = "" }
      if (next_pid == tid) since = time
      if ((prev in others_since) && others_since[prev] != "") { others += time - others_since[prev]; others_since[prev] = "" }
      if ($0 ~ /next_comm=(postgres|pgbench) /) others_since[next_pid] = time }
    END {
      span = last - first
      printf "%-36s %9.3f %9.3f %9.3f %7.2f %9.3f %9.3f %7.2f\n", target, thread / span, clock / window, thread_runtime / window,
        thread_runtime / window / (thread / span), others / span, others_runtime / window, others_runtime / window / (others / span) }'
}

printf "%-36s %9s %9s %9s %7s %9s %9s %7s\n" "shares of a processor over ${seconds} s" "switches" "clock" "runtime" "ratio" \
  "pg+bench" "runtime" "ratio"
for ((round = 0; round < rounds; round++)); do
  for target in "${targets[@]}"; do
    if [[ $target == pgbouncer* && ! -x $pgbouncer ]]; then
      [[ $round == 0 ]] && log "Skipping $target: $pgbouncer is not installed (Debian: apt-get install pgbouncer)."
      continue
    fi
    start_any "$target"
    if [[ -n $pooler_port ]]; then
      measure "$target"
    fi
    stop_pooler
  done
done
