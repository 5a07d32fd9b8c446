# shellcheck shell=bash
# Shared by bin/pgagroal-quickstart, bench/run.sh and .ci/run (sourced, not run).
# Throwaway servers: a PostgreSQL cluster from the installed binaries, a pgagroal in front of it,
# and the small process and port helpers around them. Servers that refuse root (postgres,
# pgbouncer, and pgagroal upstream) run as the postgres user when these scripts run as root.

# Sets PG_BIN: $PG_BIN when given, else the newest /usr/lib/postgresql/<version>/bin.
find_pg_bin() {
  if [[ -n ${PG_BIN:-} ]]; then
    [[ -x $PG_BIN/postgres ]] && return 0
    echo "PG_BIN=$PG_BIN does not contain a postgres binary" >&2
    return 1
  fi
  local postgres
  postgres=$(printf '%s\n' /usr/lib/postgresql/*/bin/postgres | sort -V | tail -n 1)
  if [[ ! -x $postgres ]]; then
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
# is the server's own PID and our signals reach it. setpriv rather than runuser: runuser forks and
# would stand between us and the server.
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

# Prints a port nothing listens on at 127.0.0.1, preferring the one given. Ports are drawn below
# the kernel's ephemeral range: a busy client (pgbench -C) cycles through that range so fast that
# a port found free there is often taken by an outgoing connection before the server binds it.
# shellcheck disable=SC2120 # the preferred port is optional
free_port() {
  local port=${1:-} ephemeral_start
  read -r ephemeral_start _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || ephemeral_start=32768
  ((ephemeral_start > 11000)) || ephemeral_start=65536
  while [[ -z $port ]] || port_in_use "$port"; do
    port=$((10000 + RANDOM % (ephemeral_start - 10000)))
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

# prepare_pgagroal <repo root>: finds a JDK and the pgagroal jar, building it as the calling user,
# and checks that the user who will run pgagroal can read it. Needs lib/java.sh.
prepare_pgagroal() {
  local jar
  find_java || return 1
  jar=$(find_pgagroal_jar "$1") || return 1
  if ! as_server_user test -r "$jar"; then
    echo "The postgres user, which runs pgagroal when you are root, cannot read $jar." >&2
    echo "Run this as a normal user, or from a checkout outside private directories such as /root." >&2
    return 1
  fi
}

# write_pgagroal_conf <dir> <port> <postgres port> [<key> = <value> lines for [pgagroal]...]:
# a pgagroal.conf listening on 127.0.0.1:<port> with one server, the local PostgreSQL, and a
# pgagroal_hba.conf that trusts everyone, both in <dir>, which the server user must own.
write_pgagroal_conf() {
  local dir=$1 port=$2 pg_port=$3
  shift 3
  {
    echo "[pgagroal]"
    echo "host = 127.0.0.1"
    echo "port = $port"
    echo "unix_socket_dir = $dir"
    echo "log_type = console"
    printf '%s\n' "$@"
    echo
    echo "[primary]"
    echo "host = 127.0.0.1"
    echo "port = $pg_port"
  } >"$dir/pgagroal.conf"
  echo "host all all all trust" >"$dir/pgagroal_hba.conf"
}
