#!/usr/bin/env bash
# Large messages through pgagroal, per pipeline (performance, session, transaction): the pooler's
# CPU time and the wall time for a client that reads a large result, and the pooler's resident
# memory while a client sends a huge simple Query slowly and leaves half-way. One throwaway
# PostgreSQL, one pooler at a time. See bench/README.md.
#
#   BENCH_TARGETS=direct,pgagroal-performance,pgagroal-session,pgagroal-transaction
#   BENCH_STREAM_ROWS="200000 500000"  result sizes: rows of 1000 characters, read with psql
#   BENCH_STREAM_QUERY_MIB=900         declared length of the partial Query message
#   BENCH_STREAM_SENT_MIB=450          how much of its body the client sends before it leaves
#   BENCH_STREAM_MIB_PER_S=150         the client's sending rate (0: as fast as the pooler reads)
#   BENCH_STREAM_MAX_SECONDS=180       the client stops sending after this long, even if not done
#   BENCH_STREAM_SETTLE_SECONDS=3      wait after the client left, before the last RSS sample
#   PGAGROAL_JAVA_OPTS                 extra JVM options for pgagroal, e.g. -Xmx512m
#   PGAGROAL_JAR                       another pgagroal jar than the checkout's
set -euo pipefail

bench_dir=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
# shellcheck source=SCRIPTDIR/lib.sh
source "$bench_dir/lib.sh"

read -r -a rows_list <<<"${BENCH_STREAM_ROWS:-200000 500000}"
# An unmeasured read before the measured ones, so that the JIT has compiled the relay path.
warmup_rows=50000
query_mib=${BENCH_STREAM_QUERY_MIB:-900}
sent_mib=${BENCH_STREAM_SENT_MIB:-450}
mib_per_s=${BENCH_STREAM_MIB_PER_S:-150}
max_seconds=${BENCH_STREAM_MAX_SECONDS:-180}
settle=${BENCH_STREAM_SETTLE_SECONDS:-3}
# The partial Query client waits this long, the message half sent, before it samples and leaves.
hold=2
read_targets direct pgagroal-performance pgagroal-session pgagroal-transaction

find_pg_bin
if [[ ! -x $PG_BIN/psql ]]; then
  echo "psql is missing next to $PG_BIN/postgres (Debian: apt-get install postgresql-client)." >&2
  exit 1
fi
if ! command -v python3 >/dev/null; then
  echo "python3 is needed for the partial Query client (bench/partial_query.py)." >&2
  exit 1
fi

bench_init pgagroal-stream
start_postgres 20
clk_tck=$(getconf CLK_TCK)

# cpu_ticks <pid>: user + system time of the process, all its threads, in clock ticks.
cpu_ticks() {
  local stat fields
  stat=$(<"/proc/$1/stat")
  # After the command name, which is in parentheses and may hold spaces, fields 3 and on of
  # proc(5): utime and stime are fields 14 and 15.
  read -r -a fields <<<"${stat##*) }"
  echo $((fields[11] + fields[12]))
}

# rss_kib <pid>: VmRSS in KiB, -1 when the process has exited.
rss_kib() {
  awk '/^VmRSS:/ { print $2; found = 1 } END { if (!found) print -1 }' "/proc/$1/status" 2>/dev/null ||
    echo -1
}

# jvm_description <pid>: the jar and the max heap in effect for the JVM that runs pgagroal, from
# its command line: the same java with the same options asked for its MaxHeapSize.
jvm_description() {
  local args=() options=() jar="" origin="no -Xmx: the JVM's default, a quarter of the memory it sees" bytes i
  mapfile -d '' args <"/proc/$1/cmdline"
  for ((i = 1; i < ${#args[@]}; i++)); do
    if [[ ${args[i]} == -jar ]]; then
      jar=${args[i + 1]:-}
      break
    fi
    options+=("${args[i]}")
    case ${args[i]} in
      -Xmx* | -XX:MaxHeapSize=* | -XX:MaxRAMPercentage=* | -XX:MaxRAM=*) origin=${args[i]} ;;
    esac
  done
  bytes=$("${args[0]}" "${options[@]}" -XX:+PrintFlagsFinal -version 2>/dev/null |
    awk '$2 == "MaxHeapSize" { print $4 }')
  echo "jar $jar; max heap $((bytes / 1048576)) MiB ($origin)"
}

# Results, by "<target>|<rows>" and "<target>|<key>".
declare -A wall cpu partial
jvm=""

# read_result <target> <port> <rows> [measure]: psql reads the large result through <port>; with
# "measure", its wall time and the pooler's CPU time go into wall[] and cpu[].
read_result() {
  local target=$1 port=$2 rows=$3 start end ticks="" key="$1|$3"
  [[ -n $pooler_pid ]] && ticks=$(cpu_ticks "$pooler_pid")
  start=$EPOCHREALTIME
  if ! "$PG_BIN/psql" -X -At -h 127.0.0.1 -p "$port" -U postgres -d postgres \
      -c "SELECT repeat('x', 1000) FROM generate_series(1, $rows)" >/dev/null 2>"$work/psql.err"; then
    log "[$target] psql with $rows rows failed:"
    tail -n 5 "$work/psql.err" >&2
    return 0
  fi
  end=$EPOCHREALTIME
  [[ ${4:-} == measure ]] || return 0
  wall[$key]=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')
  if [[ -n $ticks ]]; then
    cpu[$key]=$(awk -v a="$ticks" -v b="$(cpu_ticks "$pooler_pid")" -v hz="$clk_tck" \
      'BEGIN { printf "%.2f", (b - a) / hz }')
  fi
  log "[$target] $rows rows: ${wall[$key]} s, pooler CPU ${cpu[$key]:--} s"
}

# partial_query <target> <port>: the client of bench/partial_query.py against the pooler, then
# the RSS $settle seconds after it left and whether the pooler still answers a query.
partial_query() {
  local target=$1 port=$2 output key value
  log "[$target] Query declaring $query_mib MiB, sending $sent_mib MiB of it"
  if ! output=$(python3 "$bench_dir/partial_query.py" --port "$port" --pid "$pooler_pid" \
      --declared-mib "$query_mib" --send-mib "$sent_mib" --mib-per-s "$mib_per_s" \
      --max-seconds "$max_seconds" --hold "$hold" 2>"$work/partial.err"); then
    log "[$target] the partial Query client failed:"
    cat "$work/partial.err" >&2
    return 0
  fi
  while IFS='=' read -r key value; do
    partial["$target|$key"]=$value
  done <<<"$output"
  sleep "$settle"
  partial["$target|rss_after"]=$(rss_kib "$pooler_pid")
  if timeout 20 "$PG_BIN/psql" -X -At -h 127.0.0.1 -p "$port" -U postgres -d postgres -c "SELECT 1" \
      >/dev/null 2>"$work/psql.err"; then
    partial["$target|answers"]=yes
  elif kill -0 "$pooler_pid" 2>/dev/null; then
    partial["$target|answers"]=no
  else
    partial["$target|answers"]=exited
  fi
  log "[$target] RSS KiB: before ${partial[$target|rss_before]}, peak ${partial[$target|rss_peak]}," \
    "held ${partial[$target|rss_held]}, after ${partial[$target|rss_after]}; outcome" \
    "${partial[$target|outcome]}; answers after: ${partial[$target|answers]}"
}

ran=() not_started=()
for target in "${targets[@]}"; do
  start_target "$target"
  if [[ -z $pooler_port ]]; then
    not_started+=("$target")
    continue
  fi
  if [[ -n $pooler_pid && -z $jvm ]]; then
    jvm=$(jvm_description "$pooler_pid")
    log "pgagroal: $jvm"
  fi
  read_result "$target" "$pooler_port" "$warmup_rows"
  for rows in "${rows_list[@]}"; do
    read_result "$target" "$pooler_port" "$rows" measure
  done
  # Straight to PostgreSQL the message would only measure a backend's memory, not a pooler's.
  [[ $target == direct ]] || partial_query "$target" "$pooler_port"
  ran+=("$target")
  stop_pooler
done

mib() {
  if [[ -z $1 ]]; then
    echo "-"
  elif (($1 < 0)); then
    echo "exited"
  else
    echo $((($1 + 512) / 1024))
  fi
}

echo
echo "$(nproc) cores; $("$PG_BIN/postgres" --version)"
if [[ -n $jvm ]]; then
  echo "pgagroal on $(java_version_line)"
  echo "pgagroal $jvm"
fi
echo
echo "Large result: psql -X -At -c \"SELECT repeat('x', 1000) FROM generate_series(1, <rows>)\" >/dev/null"
echo "(1011 bytes a row on the wire; pooler CPU = user + system time of the pgagroal JVM during the run)"
printf '%-22s %8s %8s %8s %10s %13s\n' target rows MB "wall s" "vs direct" "pooler CPU s"
for rows in "${rows_list[@]}"; do
  direct=${wall["direct|$rows"]:-}
  for target in "${ran[@]}"; do
    value=${wall["$target|$rows"]:-} ratio="-"
    if [[ -n $value && -n $direct ]]; then
      ratio=$(awk -v a="$value" -v b="$direct" 'BEGIN { printf "%.2f", a / b }')
    fi
    printf '%-22s %8s %8s %8s %10s %13s\n' "$target" "$rows" $((rows * 1011 / 1000000)) "${value:-failed}" \
      "$ratio" "${cpu["$target|$rows"]:--}"
  done
done

if [[ ${ran[*]} == *pgagroal* ]]; then
  echo
  echo "Partial Query: 'Q' declaring $query_mib MiB; $sent_mib MiB of its body sent in 64 KiB writes at" \
    "<= $mib_per_s MiB/s, held ${hold} s, then the socket closed. Pooler RSS in MiB:"
  echo "before (logged in), peak (while sending), held (all sent, before closing)," \
    "after ($settle s after closing)"
  printf '%-22s %7s %7s %7s %7s %7s  %-8s %s\n' target before peak held after growth answers "client"
  for target in "${ran[@]}"; do
    [[ $target == direct ]] && continue
    before=${partial["$target|rss_before"]:-} peak=${partial["$target|rss_peak"]:-}
    held=${partial["$target|rss_held"]:-} after=${partial["$target|rss_after"]:-}
    growth="-" client=failed
    if [[ -n $before && -n $peak ]] && ((before >= 0 && peak >= 0)); then
      growth=$(mib $((peak - before)))
    fi
    if [[ -n ${partial["$target|outcome"]:-} ]]; then
      client="${partial["$target|sent_mib"]} MiB in ${partial["$target|send_seconds"]} s:"
      client+=" ${partial["$target|outcome"]}"
    fi
    printf '%-22s %7s %7s %7s %7s %7s  %-8s %s\n' "$target" "$(mib "$before")" "$(mib "$peak")" \
      "$(mib "$held")" "$(mib "$after")" "$growth" \
      "${partial["$target|answers"]:--}" "$client"
  done
fi
if ((${#not_started[@]} > 0)); then
  echo "Not measured, did not start: ${not_started[*]}" >&2
  exit 1
fi
