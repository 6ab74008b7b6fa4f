#!/usr/bin/env bash
# jmh.sh - runs the JMH micro-benchmarks of the codec and framing (src/test/java/io/jvirtd/bench).
#
# usage: scripts/jmh.sh [JMH options and benchmark regexps]
#   scripts/jmh.sh                       every benchmark, the annotations' defaults
#   scripts/jmh.sh Codec -f 1 -wi 2 -i 3 the codec ones, shorter
#   scripts/jmh.sh -h                    JMH's own help
#
# Builds the test classes (the JMH harness is generated at test-compile) and runs
# org.openjdk.jmh.Main on the test class path. Environment: MVN (default mvn), JAVA (default java).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mvn=${MVN:-mvn}
cd "$root"
cp_file="$root/target/jmh.classpath"
"$mvn" -q -B test-compile
"$mvn" -q -B org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >/dev/null
exec "${JAVA:-java}" -cp "$root/target/test-classes:$root/target/classes:$(cat "$cp_file")" \
    org.openjdk.jmh.Main "$@"
