# shellcheck shell=bash
# Shared by bin/pgagroal, bin/pgagroal-admin, bin/pgagroal-cli, bin/pgagroal-quickstart, bench/run.sh and .ci/run (sourced, not run).
# Finds a JDK that can run pgagroal and the pgagroal jar.

PGAGROAL_MIN_JAVA=21

# Prints the feature release of a java binary ("21" for 21.0.2, "1" for the 1.8 era).
java_feature_version() {
  "$1" -version 2>&1 | sed -n -E '1s/.*version "([0-9]+).*/\1/p'
}

# Sets JAVA_FEATURE to the feature release of the java binary $1 when it is recent enough.
java_is_recent_enough() {
  [[ -x $1 ]] || return 1
  local version
  version=$(java_feature_version "$1")
  [[ -n $version && $version -ge $PGAGROAL_MIN_JAVA ]] && JAVA_FEATURE=$version
}

# Sets JAVA_HOME to a JDK >= 21: $JAVA_HOME if recent enough, then the java on PATH, then the newest
# under /usr/lib/jvm; and JAVA_FEATURE to its feature release. Returns 1 with an explanation on
# stderr when there is none.
find_java() {
  if [[ -n ${JAVA_HOME:-} ]] && java_is_recent_enough "$JAVA_HOME/bin/java"; then
    return 0
  fi
  local candidate
  candidate=$(command -v java || true)
  if [[ -n $candidate ]] && java_is_recent_enough "$candidate"; then
    # Through alternatives symlinks to the real installation, whose home is two levels up.
    JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$candidate")")")
    export JAVA_HOME
    return 0
  fi
  local best="" best_version=0 version
  for candidate in /usr/lib/jvm/*/bin/java; do
    [[ -x $candidate ]] || continue
    version=$(java_feature_version "$candidate")
    if [[ -n $version && $version -ge $PGAGROAL_MIN_JAVA && $version -gt $best_version ]]; then
      best=$candidate best_version=$version
    fi
  done
  if [[ -n $best ]]; then
    JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$best")")")
    JAVA_FEATURE=$best_version
    export JAVA_HOME
    return 0
  fi
  {
    echo "pgagroal: no Java $PGAGROAL_MIN_JAVA or newer found."
    echo "  Looked at JAVA_HOME (${JAVA_HOME:-unset}), java on PATH ($(command -v java || echo none)) and /usr/lib/jvm."
    echo "  Install one (Debian 13/Ubuntu 24.04: apt-get install openjdk-21-jdk-headless; elsewhere"
    echo "  https://adoptium.net) and set JAVA_HOME to it."
  } >&2
  return 1
}

# Prints the JVM options that open what pgagroal's libraries need (find_java first): native access
# (Netty's io_uring and epoll transports, zstd-jni) and, on JDK 23 and newer, sun.misc.Unsafe's
# memory access, which Netty stops using by default from JDK 25 on: without it every ByteBuf read
# and write goes through a bounds-checked ByteBuffer, about 2 us more user time per transaction in
# the transaction pipeline (bench/README, "Netty without Unsafe").
java_access_options() {
  echo --enable-native-access=ALL-UNNAMED
  if ((${JAVA_FEATURE:-0} >= 23)); then
    echo --sun-misc-unsafe-memory-access=allow
  fi
}

# Prints the path of the runnable jar under <root>: target/ in a source checkout, lib/ in an
# installed layout (<prefix>/bin/pgagroal next to <prefix>/lib/pgagroal-<version>-all.jar).
# In a checkout without a jar it builds one first, which needs JAVA_HOME set (find_java).
# PGAGROAL_JAR, when set, names the jar instead (another build, for before/after comparisons).
find_pgagroal_jar() {
  local root=$1 jar
  if [[ -n ${PGAGROAL_JAR:-} ]]; then
    if [[ ! -f $PGAGROAL_JAR || ! -r $PGAGROAL_JAR ]]; then
      echo "pgagroal: PGAGROAL_JAR=$PGAGROAL_JAR is not a readable file" >&2
      return 1
    fi
    readlink -f "$PGAGROAL_JAR"
    return 0
  fi
  jar=$(newest_jar "$root")
  if [[ -z $jar && -x $root/mvnw ]]; then
    echo "pgagroal: $root/target has no pgagroal jar; building it with ./mvnw -q -DskipTests package" >&2
    (cd "$root" && ./mvnw -q -DskipTests package) >&2 || {
      echo "pgagroal: the build failed; see the Maven output above." >&2
      return 1
    }
    jar=$(newest_jar "$root")
  fi
  if [[ -z $jar ]]; then
    echo "pgagroal: no pgagroal-*-all.jar in $root/target or $root/lib" >&2
    return 1
  fi
  echo "$jar"
}

newest_jar() {
  # shellcheck disable=SC2012 # ls -t is the simple way to sort by age; the names are our own
  ls -t "$1"/target/pgagroal-*-all.jar "$1"/lib/pgagroal-*-all.jar 2>/dev/null | head -n 1
}
