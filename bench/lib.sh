# shellcheck shell=bash
# shellcheck disable=SC2034 # targets, pooler_port and the others are for the sourcing script
# Shared by bench/run.sh and bench/stream.sh (sourced, not run): one throwaway PostgreSQL in a
# temporary directory, pgagroal in front of it in one pipeline at a time, and the cleanup of both
# when the script exits. Sets repo (the checkout), and, through the functions below, work (the
# temporary directory), pg_port, pooler_pid and pooler_port.

repo=$(dirname "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")")
# shellcheck source=SCRIPTDIR/../bin/lib/java.sh
source "$repo/bin/lib/java.sh"
# shellcheck source=SCRIPTDIR/../bin/lib/pg.sh
source "$repo/bin/lib/pg.sh"

# Server connections pgagroal may open (max_connections), and the size of the transaction
# pipeline's pool (max, initial and min size in pgagroal_databases.conf). A script may change
# them before it starts pgagroal.
pool_size=60
tx_pool_size=10
# How clients log in to the poolers: trust, or scram (see start_pgagroal and use_scram).
pooler_auth=trust

log() {
  echo "$*" >&2
}

# read_targets <known target>...: BENCH_TARGETS, comma-separated, or else all the known targets,
# into the array targets. The script's optional_targets (start_any's relays, in the scripts that
# start targets with it) are known too, but run only when named. A pgagroal-<pipeline> target may carry more pgagroal.conf lines, each
# written /key=value after its name (pgagroal-session/ev_backend=io_uring/worker_threads=1), so that
# variants of one pipeline run side by side. Exits with status 2 on a target that is not known.
read_targets() {
  local target all
  all=$(IFS=,; echo "$*")
  IFS=, read -r -a targets <<<"${BENCH_TARGETS:-$all}"
  for target in "${targets[@]}"; do
    if [[ " $* ${optional_targets[*]} " != *" ${target%%/*} "* || ($target == */* && $target != pgagroal-@(performance|session|transaction)/*) ]]; then
      echo "Unknown target '$target' in BENCH_TARGETS" >&2
      exit 2
    fi
  done
}

optional_targets=()
work=""
pooler_pid=""
# The poolers are started in the script's own shell, not in a $(...) subshell, so that
# pooler_pid stays ours to stop; they report their port in pooler_port.
pooler_port=""

stop_pooler() {
  if [[ -n $pooler_pid ]]; then
    stop_process "$pooler_pid"
    pooler_pid=""
  fi
}

cleanup() {
  stop_pooler
  if [[ -n $work ]]; then
    pg_stop "$work"
    rm -rf "$work"
  fi
  if [[ -n $huge_pages_before ]]; then
    echo "$huge_pages_before" >/proc/sys/vm/nr_hugepages
  fi
  local state
  for state in "${damon_paused[@]}"; do
    echo on >"$state" || log "Could not start ${state%/state} again: write on to $state"
  done
}

# reserve_huge_pages <count>: as root, reserves that many huge pages (vm.nr_hugepages) until the
# script exits, when cleanup puts the earlier count back. PostgreSQL (huge_pages = try, its default)
# then maps its shared memory with them; see bench/README.md for why that matters here.
huge_pages_before=""
reserve_huge_pages() {
  if [[ $(id -u) != 0 ]]; then
    log "Reserving huge pages needs root; PostgreSQL keeps normal pages."
    return
  fi
  local before
  before=$(cat /proc/sys/vm/nr_hugepages)
  if ! echo "$1" 2>/dev/null >/proc/sys/vm/nr_hugepages; then
    log "vm.nr_hugepages cannot be written here; PostgreSQL keeps normal pages."
    return
  fi
  huge_pages_before=$before
  log "Reserved $(awk '/^HugePages_Total/ { print $2 }' /proc/meminfo) huge pages of $1 asked for"
}

# pause_damon: as root, stops the kernel's DAMON threads that run (kdamonds of
# /sys/kernel/mm/damon/admin, which some VMs run to page out cold memory) until the script exits,
# when cleanup starts them again with their settings unchanged. Their sampling holds a core for
# milliseconds at a time, longer the more pages the machine's processes map and touch; see bench/README.md.
damon_paused=()
pause_damon() {
  local state
  if [[ $(id -u) != 0 ]]; then
    log "Pausing DAMON needs root; it keeps running."
    return
  fi
  for state in /sys/kernel/mm/damon/admin/kdamonds/*/state; do
    [[ -r $state && $(cat "$state") == on ]] || continue
    if echo off 2>/dev/null >"$state"; then
      damon_paused+=("$state")
    else
      log "${state%/state} cannot be stopped here; it keeps running."
    fi
  done
  log "Paused ${#damon_paused[@]} DAMON thread(s)"
}

# damon_state: whether a kernel DAMON thread runs now: "running", "not running".
damon_state() {
  if grep -qx on /sys/kernel/mm/damon/admin/kdamonds/*/state 2>/dev/null; then
    echo running
  else
    echo "not running"
  fi
}

# postgres_page_size: "huge pages" when the running PostgreSQL's shared memory is mapped with huge
# pages, else "normal pages".
postgres_page_size() {
  local pid
  pid=$(head -n 1 "$work/data/postmaster.pid")
  if grep -q '^KernelPageSize: *2048 kB' "/proc/$pid/smaps" 2>/dev/null; then
    echo "huge pages"
  else
    echo "normal pages"
  fi
}

# bench_init <name>: when a target is pgagroal, finds a JDK and the jar (building it if needed);
# then the temporary directory (work), removed with everything in it, the PostgreSQL and the
# pooler, when the script exits, also on Ctrl-C.
bench_init() {
  if [[ ${targets[*]} == *pgagroal* ]]; then
    prepare_pgagroal "$repo"
  fi
  work=$(make_server_dir "$1")
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

# start_postgres <max_connections>: a trust-auth PostgreSQL on 127.0.0.1:<pg_port>, data in work.
start_postgres() {
  pg_port=$(free_port)
  log "Starting $("$PG_BIN/postgres" --version) on 127.0.0.1:$pg_port"
  pg_start "$work" "$pg_port" "$1"
}

# use_scram: from now on PostgreSQL asks TCP clients for SCRAM-SHA-256 (user postgres, password
# postgres, exported as PGPASSWORD for pgbench), and so do the poolers started afterwards.
use_scram() {
  as_server_user "$PG_BIN/psql" -q -h "$work" -p "$pg_port" -U postgres -d postgres \
    -c "ALTER ROLE postgres PASSWORD 'postgres'" >/dev/null
  printf '%s\n' "local all all trust" "host all all 127.0.0.1/32 scram-sha-256" >"$work/data/pg_hba.conf"
  as_server_user "$PG_BIN/pg_ctl" -D "$work/data" reload >/dev/null
  export PGPASSWORD=postgres
  pooler_auth=scram
}

# start_pgagroal <pipeline>: bin/pgagroal (PGAGROAL_JAR or the checkout's jar) in the pipeline,
# in front of the PostgreSQL of start_postgres. With pooler_auth = trust every client is trusted;
# with scram clients log in with SCRAM-SHA-256 (user postgres, password postgres) against a users
# vault, which the pooler also logs in to PostgreSQL with. The transaction pipeline always has
# the vault and a prefilled pool of tx_pool_size. Further arguments are more pgagroal.conf lines.
# Sets pooler_pid (the JVM's own PID) and pooler_port; returns 1 with pgagroal's output on stderr
# when it does not start.
start_pgagroal() {
  local pipeline=$1 port dir extra=() keys=()
  shift
  keys=("log_level = info" "max_connections = $pool_size" "pipeline = $pipeline" "$@")
  port=$(free_port)
  dir=$(mktemp -d "$work/pgagroal-$pipeline.XXXXXX")
  if [[ $pipeline == transaction || $pooler_auth == scram ]]; then
    # The master key lives in the temporary directory (pgagroal.home), never in a real home directory.
    mkdir -m 700 "$dir/home"
    PGAGROAL_JAVA_OPTS="-Dpgagroal.home=$dir/home" "$repo/bin/pgagroal-admin" -P bench-master-key master-key >/dev/null
    PGAGROAL_JAVA_OPTS="-Dpgagroal.home=$dir/home" "$repo/bin/pgagroal-admin" -f "$dir/pgagroal_users.conf" \
      -U postgres -P postgres user add >/dev/null
    extra+=(-u "$dir/pgagroal_users.conf")
  fi
  if [[ $pipeline == transaction ]]; then
    echo "postgres postgres $tx_pool_size $tx_pool_size $tx_pool_size" >"$dir/pgagroal_databases.conf"
    keys+=("allow_unknown_users = off" "blocking_timeout = 0")
    extra+=(-l "$dir/pgagroal_databases.conf")
  fi
  write_pgagroal_conf "$dir" "$port" "$pg_port" "${keys[@]}"
  if [[ $pooler_auth == scram ]]; then
    echo "host all all all scram-sha-256" >"$dir/pgagroal_hba.conf"
  fi
  chown -R --reference="$work" "$dir"
  PGAGROAL_JAVA_OPTS="${PGAGROAL_JAVA_OPTS:-} -Dpgagroal.home=$dir/home" \
    exec_as_server_user "$repo/bin/pgagroal" -c "$dir/pgagroal.conf" -a "$dir/pgagroal_hba.conf" "${extra[@]}" \
    >"$dir/pgagroal.log" 2>&1 &
  await_pooler "pgagroal ($pipeline)" "$port" 60 "$dir/pgagroal.log"
}

# start_pgbouncer <session|transaction> [more pgbouncer.ini lines...]: PgBouncer ($pgbouncer) in
# that pool mode with default_pool_size = pool_size and room for pgbouncer_clients clients; trust,
# or with pooler_auth = scram SCRAM-SHA-256 against the password postgres in its auth_file. Sets
# pooler_pid and pooler_port; returns 1 with PgBouncer's output on stderr when it does not start.
pgbouncer=${PGBOUNCER:-/usr/sbin/pgbouncer}
pgbouncer_clients=500
start_pgbouncer() {
  local mode=$1 port dir auth_type=trust
  shift
  [[ $pooler_auth == scram ]] && auth_type=scram-sha-256
  port=$(free_port)
  dir=$(mktemp -d "$work/pgbouncer-$mode.XXXXXX")
  echo '"postgres" "postgres"' >"$dir/userlist.txt"
  {
    printf '%s\n' "[databases]" "* = host=127.0.0.1 port=$pg_port" "" "[pgbouncer]" "listen_addr = 127.0.0.1" \
      "listen_port = $port" "unix_socket_dir =" "auth_type = $auth_type" "auth_file = $dir/userlist.txt" \
      "pool_mode = $mode" "max_client_conn = $pgbouncer_clients" "default_pool_size = $pool_size" \
      "logfile = $dir/pgbouncer.log" "pidfile = $dir/pgbouncer.pid" "log_connections = 0" "log_disconnections = 0"
    printf '%s\n' "$@"
  } >"$dir/pgbouncer.ini"
  chown -R --reference="$work" "$dir"
  # PgBouncer refuses to run as root; exec_as_server_user runs it as postgres then.
  exec_as_server_user "$pgbouncer" -q "$dir/pgbouncer.ini" >"$dir/stderr.log" 2>&1 &
  await_pooler PgBouncer "$port" 30 "$dir/stderr.log" "$dir/pgbouncer.log"
}

# start_target <target>: for direct, sets pooler_port to PostgreSQL's; for pgagroal-<pipeline>,
# with the pgagroal.conf lines of its /key=value suffixes (see read_targets), starts pgagroal and
# sets pooler_port, left empty when it did not start; pgagroal-transaction-baseline is the
# transaction pipeline of the jar PGAGROAL_BASELINE_JAR names (a before/after comparison in one
# run). Returns 2 for others.
start_target() {
  local name=${1%%/*} settings=() setting lines=()
  pooler_port=""
  if [[ $1 == */* ]]; then
    IFS=/ read -r -a settings <<<"${1#*/}"
  fi
  for setting in "${settings[@]}"; do
    lines+=("${setting%%=*} = ${setting#*=}")
  done
  case $name in
    direct) pooler_port=$pg_port ;;
    pgagroal-transaction-baseline) PGAGROAL_JAR=$PGAGROAL_BASELINE_JAR start_pgagroal transaction || true ;;
    pgagroal-*) start_pgagroal "${name#pgagroal-}" "${lines[@]}" || true ;;
    *) return 2 ;;
  esac
}

# start_relay <io_uring|epoll>: bench/relay.c, the byte forwarder every pooler is measured against
# (each client gets a PostgreSQL connection of its own and logs in to it itself), compiled into the
# temporary directory on first use. Sets pooler_pid and pooler_port; returns 1 with a message when
# it cannot be built (it needs gcc and liburing: Debian's liburing-dev).
start_relay() {
  local port
  if [[ ! -x $work/relay ]] &&
    ! "${CC:-gcc}" -O2 -o "$work/relay" "$repo/bench/relay.c" -luring >"$work/relay-build.log" 2>&1; then
    log "The relay did not build (it needs gcc and liburing; Debian: apt-get install liburing-dev):"
    cat "$work/relay-build.log" >&2
    return 1
  fi
  port=$(free_port)
  exec_as_server_user "$work/relay" "$1" "$port" "$pg_port" >"$work/relay.log" 2>&1 &
  await_pooler "The relay" "$port" 10 "$work/relay.log"
}

# await_pooler <name> <port> <seconds> <log>...: the pooler just started in the background ($!)
# listens on the port within that many seconds: sets pooler_pid and pooler_port; else returns 1
# with its logs on stderr.
await_pooler() {
  local name=$1 port=$2 seconds=$3
  shift 3
  pooler_pid=$!
  wait_for_port "$port" "$seconds" "$pooler_pid" || {
    log "$name did not start; its output:"
    cat "$@" >&2 || true
    return 1
  }
  pooler_port=$port
}

# start_any <target>: pgbouncer (session mode), pgbouncer-transaction, relay (io_uring), relay-epoll,
# or a target of start_target. Sets pooler_port (empty when it did not start) and pooler_pid (empty
# for direct).
start_any() {
  pooler_port="" pooler_pid=""
  case $1 in
    pgbouncer) start_pgbouncer session || true ;;
    pgbouncer-transaction) start_pgbouncer transaction || true ;;
    relay) start_relay io_uring || true ;;
    relay-epoll) start_relay epoll || true ;;
    *) start_target "$1" ;;
  esac
}

# The JVM that runs pgagroal, for the results' header.
java_version_line() {
  "$JAVA_HOME/bin/java" -version 2>&1 | head -n 1
}
