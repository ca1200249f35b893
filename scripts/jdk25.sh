# Sourced by the project's scripts: selects a JDK 25 or newer and exports JAVA_HOME and PATH.
#
# Order of preference: $JAVA_HOME, the `java` on PATH, then any JDK under /usr/lib/jvm
# (newest first). Prints a clear message and exits when none is found, because the
# default JDK on many machines (17 or 21) cannot build or run asynkit.

asynkit_java_feature() { # prints the feature version of the JDK at $1 (a JAVA_HOME), or nothing
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n 1
}

asynkit_select_jdk() {
  local required=25 candidate feature
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for candidate in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do
    candidates+=("${candidate%/}")
  done
  for candidate in "${candidates[@]}"; do
    feature=$(asynkit_java_feature "$candidate")
    if [ -n "$feature" ] && [ "$feature" -ge "$required" ]; then
      export JAVA_HOME="$candidate"
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  echo "asynkit needs JDK $required or newer, and none was found." >&2
  echo "Looked at: \$JAVA_HOME (${JAVA_HOME:-unset}), the java on PATH, and /usr/lib/jvm/*." >&2
  echo "Install one (for example Temurin $required) and set JAVA_HOME to it." >&2
  exit 1
}

asynkit_select_jdk
