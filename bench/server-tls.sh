#!/usr/bin/env bash
# pgbench -S through pgagroal's transaction pipeline with the server leg in cleartext and over TLS
# (tls_mode = require), against one throwaway PostgreSQL with ssl = on, alternating the two for
# BENCH_ROUNDS rounds so that a shared machine's noise hits both. See bench/README.md.
#
#   BENCH_SECONDS=10      length of each measured pgbench run (after a 3 s warm-up)
#   BENCH_ROUNDS=3        rounds of (cleartext, TLS)
#   BENCH_TX_CLIENTS=50   pgbench clients (-j 2) over a pool of 10 server connections
set -euo pipefail

# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"

seconds=${BENCH_SECONDS:-10}
rounds=${BENCH_ROUNDS:-3}
clients=${BENCH_TX_CLIENTS:-50}
targets=(pgagroal-transaction)

find_pg_bin
bench_init pgagroal-server-tls
start_postgres 200
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
  -keyout "$work/data/server.key" -out "$work/data/server.crt" >/dev/null 2>&1
chown --reference="$work/data" "$work/data/server.key" "$work/data/server.crt"
chmod 600 "$work/data/server.key"
psql_cmd=("$PG_BIN/psql" -X -q -At -h 127.0.0.1 -p "$pg_port" -U postgres postgres)
"${psql_cmd[@]}" -c "ALTER SYSTEM SET ssl = on" -c "SELECT pg_reload_conf()" >/dev/null
log "pgbench -i -s 10"
"$PG_BIN/pgbench" -i -q -s 10 -h 127.0.0.1 -p "$pg_port" -U postgres postgres >"$work/init.log" 2>&1

# The server section write_pgagroal_conf ends the file with, plus tls_mode when SERVER_TLS_MODE is set.
eval "plain_$(declare -f write_pgagroal_conf)"
write_pgagroal_conf() {
  plain_write_pgagroal_conf "$@"
  if [[ -n ${SERVER_TLS_MODE:-} ]]; then
    echo "tls_mode = $SERVER_TLS_MODE" >>"$1/pgagroal.conf"
  fi
}

echo "pgbench -S -M simple -c $clients -j 2, $seconds s per run, pool of $tx_pool_size; $(nproc) cores;" \
  "$("$PG_BIN/postgres" --version)"
printf '%-6s %-12s %12s %s\n' round server-leg TPS "pg_stat_ssl of the pooler's connections"
for ((round = 1; round <= rounds; round++)); do
  for mode in "" require; do
    SERVER_TLS_MODE=$mode start_pgagroal transaction
    "$PG_BIN/pgbench" -S -M simple -c "$clients" -j 2 -T 3 -h 127.0.0.1 -p "$pooler_port" -U postgres postgres \
      >/dev/null 2>&1 || true
    output=$("$PG_BIN/pgbench" -S -M simple -c "$clients" -j 2 -T "$seconds" -h 127.0.0.1 -p "$pooler_port" \
      -U postgres postgres 2>&1) || true
    tps=$(sed -n -E 's/^tps = ([0-9.]+) .*/\1/p' <<<"$output" | head -n 1)
    ssl=$("${psql_cmd[@]}" -c "SELECT string_agg(DISTINCT ssl::text, ',') FROM pg_stat_ssl JOIN pg_stat_activity
      USING (pid) WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()")
    printf '%-6s %-12s %12s %s\n' "$round" "${mode:-cleartext}" "${tps:-failed}" "$ssl"
    stop_pooler
  done
done
