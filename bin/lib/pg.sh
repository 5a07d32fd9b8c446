# Shared by bin/pgagroal-quickstart and bench/run.sh (sourced, not run).
# A throwaway PostgreSQL cluster from the installed binaries, and the small process and port
# helpers the scripts around it need. Servers that refuse root (postgres, pgbouncer, pgagroal)
# run as the postgres user when these scripts run as root.

# Sets PG_BIN: $PG_BIN when given, else the newest /usr/lib/postgresql/<version>/bin.
find_pg_bin() {
  if [[ -n ${PG_BIN:-} ]]; then
    [[ -x $PG_BIN/postgres ]] && return 0
    echo "PG_BIN=$PG_BIN does not contain a postgres binary" >&2
    return 1
  fi
  local postgres
  postgres=$(ls -d /usr/lib/postgresql/*/bin/postgres 2>/dev/null | sort -V | tail -n 1)
  if [[ -z $postgres ]]; then
    echo "No PostgreSQL server found: install it (Debian: apt-get install postgresql) or set PG_BIN." >&2
    return 1
  fi
  PG_BIN=$(dirname "$postgres")
}

# Runs a command as the postgres user when we are root, directly otherwise.
as_server_user() {
  (exec_as_server_user "$@")
}

# Replaces the current shell with the command, as the postgres user when we are root. Start
# servers as "exec_as_server_user <command> &": the background subshell becomes the server, so $!
# is the server's own PID and our signals reach it. (setpriv, unlike runuser, execs in place too.)
exec_as_server_user() {
  if [[ $EUID -eq 0 ]]; then
    exec setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"
  fi
  exec "$@"
}

# Prints a new private temporary directory that the server user owns.
make_server_dir() {
  local dir
  dir=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
  if [[ $EUID -eq 0 ]]; then
    chown postgres: "$dir"
  fi
  echo "$dir"
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Prints a port nothing listens on at 127.0.0.1, preferring the one given.
free_port() {
  local port=${1:-}
  while [[ -z $port ]] || port_in_use "$port"; do
    port=$((20000 + RANDOM % 40000))
  done
  echo "$port"
}

# Waits up to <seconds> for 127.0.0.1:<port> to accept connections; fails early when <pid> dies.
wait_for_port() {
  local port=$1 seconds=$2 pid=$3 tries
  for ((tries = seconds * 10; tries > 0; tries--)); do
    port_in_use "$port" && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# Stops a background process and waits for it, escalating to SIGKILL after 10 seconds.
stop_process() {
  local pid=$1 tries
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((tries = 100; tries > 0; tries--)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# pg_start <dir> <port> <max_connections>: initdb a trust-auth cluster in <dir>/data (<dir> from
# make_server_dir) and start it on 127.0.0.1:<port>, its Unix socket in <dir>.
# A subshell, so that the cd stays inside: the server user may not be allowed into our working
# directory, and initdb and pg_ctl complain about that.
pg_start() (
  local dir=$1 port=$2 max_connections=$3
  cd "$dir" || return 1
  if ! as_server_user "$PG_BIN/initdb" -D "$dir/data" --no-sync -U postgres -E UTF8 --locale=C \
      --auth=trust >"$dir/initdb.log" 2>&1; then
    echo "initdb failed:" >&2
    cat "$dir/initdb.log" >&2
    return 1
  fi
  if ! as_server_user "$PG_BIN/pg_ctl" -w -t 60 -D "$dir/data" -l "$dir/postgres.log" \
      -o "-p $port -k '$dir' -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=$max_connections" \
      start >/dev/null; then
    echo "PostgreSQL did not start; its log:" >&2
    cat "$dir/postgres.log" >&2
    return 1
  fi
)

# Stops the cluster in <dir> if it runs; quiet and safe to call more than once.
pg_stop() {
  [[ -f $1/data/postmaster.pid ]] || return 0
  as_server_user "$PG_BIN/pg_ctl" -w -D "$1/data" -m fast stop >/dev/null 2>&1 ||
    as_server_user "$PG_BIN/pg_ctl" -w -D "$1/data" -m immediate stop >/dev/null 2>&1 || true
}
