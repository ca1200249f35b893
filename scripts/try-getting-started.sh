#!/usr/bin/env bash
# Follows docs/getting-started.md as a new user would, outside the clone: ./install, then the page's two
# projects (the engine alone, and Spring Boot with the starter) built and run from the pom.xml and Java
# files copied out of the page, and the single-file launch of Hello.java. Fails unless each prints what
# the page says it prints. Everything goes to a temporary folder: the local repository there reads
# ~/.m2/repository but never writes to it (Maven's maven.repo.local.tail). About a minute; not part of
# ./test (it may download plugins). Usage: scripts/try-getting-started.sh [port for the Spring app]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/jdk25.sh
root=$PWD
port=${1:-18990}
tmp=$(mktemp -d)
server=
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
repo=(-Dmaven.repo.local="$tmp/repo" -Dmaven.repo.local.tail="$HOME/.m2/repository")

block() { # block <language> <text it contains>: the first such fenced block of getting-started.md
  awk -v lang="$1" -v want="$2" '
    $0 == "```" lang { inb = 1; text = ""; next }
    inb && /^```/ { inb = 0; if (index(text, want)) { printf "%s", text; exit } next }
    inb { text = text $0 "\n" }' docs/getting-started.md
}
expect() { # expect <what> <text> <output>
  if ! grep -qF -- "$2" <<<"$3"; then
    echo "FAILED: $1 did not print '$2'; it printed:" >&2
    echo "$3" >&2
    exit 1
  fi
  echo "ok: $1"
}

./install "${repo[@]}" >/dev/null
echo "ok: ./install"

mkdir -p "$tmp/try-engine/src/main/java" "$tmp/try-starter/src/main/java/com/example"
block xml "<artifactId>try-engine</artifactId>" >"$tmp/try-engine/pom.xml"
block java "public class Hello" >"$tmp/try-engine/src/main/java/Hello.java"
block xml "<artifactId>try-starter</artifactId>" >"$tmp/try-starter/pom.xml"
block java "public class TryApplication" >"$tmp/try-starter/src/main/java/com/example/TryApplication.java"

out=$(cd "$tmp/try-engine" && "$root/mvnw" -B -q -ntp "${repo[@]}" compile exec:exec 2>&1)
expect "the engine project (mvn compile exec:exec)" "high then low" "$out"

jar="$tmp/repo/io/asynkit/asynkit-engine/0.1.0-SNAPSHOT/asynkit-engine-0.1.0-SNAPSHOT.jar"
out=$(cd "$tmp/try-engine/src/main/java" && java --add-opens java.base/java.lang=ALL-UNNAMED -cp "$jar" Hello.java 2>&1)
expect "the single-file launch (java -cp <engine jar> Hello.java)" "high then low" "$out"

(cd "$tmp/try-starter" && "$root/mvnw" -B -q -ntp "${repo[@]}" package -DskipTests) >"$tmp/starter-build.log" 2>&1 \
  || { cat "$tmp/starter-build.log" >&2; exit 1; }
java -jar "$tmp/try-starter/target/try-starter-1.0.jar" --server.port="$port" >"$tmp/starter.log" 2>&1 &
server=$!
out=
for _ in $(seq 1 120); do
  out=$(curl -fs "localhost:$port/quote" 2>/dev/null) && break
  kill -0 "$server" 2>/dev/null || { cat "$tmp/starter.log" >&2; exit 1; }
  sleep 0.5
done
expect "the Spring Boot project (java -jar, curl /quote)" "task GET /quote on loop asynkit at priority -10.0" "$out"
if grep -q ' WARN ' "$tmp/starter.log"; then
  echo "FAILED: the Spring Boot project logged warnings:" >&2
  grep ' WARN ' "$tmp/starter.log" >&2
  exit 1
fi
echo "getting-started.md works as written"
