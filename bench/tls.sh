#!/usr/bin/env bash
# TLS from clients: pgagroal (session pipeline, tls = on) next to PgBouncer (client_tls_sslmode =
# require), each also in clear, so that the table shows what TLS costs each of them. pgbench with
# sslmode=require: steady select-only throughput, and a new TLS connection (handshake included) per
# transaction. One throwaway PostgreSQL, one pooler at a time. See bench/README.md.
#
#   BENCH_SECONDS=10          length of each measured pgbench run
#   BENCH_WARMUP_SECONDS=5    unmeasured select-only run before each target's first test
#   BENCH_CLIENTS="10 50"     client counts (pgbench -c), always with -j 2
#   BENCH_TARGETS=pgagroal-session,pgagroal-tls,pgbouncer,pgbouncer-tls
#   PGAGROAL_JAVA_OPTS        extra JVM options for pgagroal
#   PGAGROAL_JAR              another pgagroal jar than the checkout's
set -euo pipefail

# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"

seconds=${BENCH_SECONDS:-10}
warmup=${BENCH_WARMUP_SECONDS:-$((seconds < 5 ? seconds : 5))}
clients_list=${BENCH_CLIENTS:-10 50}
read_targets pgagroal-session pgagroal-tls pgbouncer pgbouncer-tls
pool_size=60
declare -A test_options=(
  [select-simple]="-S -M simple"
  [connect-select]="-C -S -M simple"
)
tests=(select-simple connect-select)

find_pg_bin
if [[ ! -x $PG_BIN/pgbench ]]; then
  echo "pgbench is missing next to $PG_BIN/postgres (Debian: apt-get install postgresql-client)." >&2
  exit 1
fi

bench_init pgagroal-tls-bench
start_postgres 200
log "pgbench -i -s 10"
"$PG_BIN/pgbench" -i -q -s 10 -h 127.0.0.1 -p "$pg_port" -U postgres postgres >"$work/init.log" 2>&1 || {
  cat "$work/init.log" >&2
  exit 1
}

# The poolers' certificate: self-signed for localhost and 127.0.0.1 (pgbench's sslmode=require does
# not verify it), owned by the server user, key 0600.
tls_cert=$work/tls/server.crt
tls_key=$work/tls/server.key
mkdir "$work/tls"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$tls_key" -out "$tls_cert" >/dev/null 2>&1
chmod 600 "$tls_key"
chown -R --reference="$work" "$work/tls"

declare -A tps failed
measure() {
  local target=$1 port=$2 sslmode=disable test clients output key
  [[ $target == *-tls ]] && sslmode=require
  if ((warmup > 0)); then
    log "[$target] warming up for $warmup s"
    PGSSLMODE=$sslmode "$PG_BIN/pgbench" -n -S -c 10 -j 2 -T "$warmup" -h 127.0.0.1 -p "$port" -U postgres postgres \
      >/dev/null 2>&1 || true
  fi
  for test in "${tests[@]}"; do
    for clients in $clients_list; do
      key="$test|$clients|$target"
      # shellcheck disable=SC2086 # the options are a list
      output=$(PGSSLMODE=$sslmode "$PG_BIN/pgbench" -n ${test_options[$test]} -c "$clients" -j 2 -T "$seconds" \
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
    pgbouncer*)
      if [[ ! -x $pgbouncer ]]; then
        log "Skipping $target: $pgbouncer is not installed (Debian: apt-get install pgbouncer)."
        continue
      fi
      if [[ $target == pgbouncer-tls ]]; then
        start_pgbouncer session "client_tls_sslmode = require" "client_tls_cert_file = $tls_cert" \
          "client_tls_key_file = $tls_key" || true
      else
        start_pgbouncer session || true
      fi
      ;;
    pgagroal-tls) start_pgagroal session "tls = on" "tls_cert_file = $tls_cert" "tls_key_file = $tls_key" || true ;;
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
echo "pgbench, $seconds s per run, -j 2, scale 10; $(nproc) cores; $("$PG_BIN/postgres" --version); $(openssl version)"
if [[ ${ran[*]} == *pgagroal* ]]; then
  echo "pgagroal on $(java_version_line)"
fi
if [[ ${ran[*]} == *pgbouncer* ]]; then
  "$pgbouncer" --version | head -n 1
fi
printf '%-16s %7s  %-18s %12s %12s %8s\n' test clients target TPS "vs clear" failed
for test in "${tests[@]}"; do
  for clients in $clients_list; do
    for target in "${ran[@]}"; do
      key="$test|$clients|$target"
      value=${tps[$key]:-} shown=failed ratio="-"
      clear=${tps["$test|$clients|${target%-tls}"]:-}
      [[ $target == pgagroal-tls ]] && clear=${tps["$test|$clients|pgagroal-session"]:-}
      if [[ -n $value ]]; then
        shown=$(printf '%.1f' "$value")
        if [[ $target == *-tls && -n $clear ]]; then
          ratio=$(awk -v a="$value" -v b="$clear" 'BEGIN { printf "%.2f", a / b }')
        fi
      fi
      printf '%-16s %7s  %-18s %12s %12s %8s\n' "$test" "$clients" "$target" "$shown" "$ratio" "${failed[$key]:--}"
    done
  done
done
if ((${#not_started[@]} > 0)); then
  echo "Not measured, did not start: ${not_started[*]}" >&2
  exit 1
fi
