#!/usr/bin/env bash
# Resolves Apache Kafka 4.4.0 jars from Maven into a cache outside the repository
# and prints the directory holding them. Idempotent: a complete cache is reused.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
libs="${SAMSA_KAFKA_LIBS:-$HOME/.cache/samsa/kafka-4.4.0/libs}"
if [ ! -f "$libs/.complete" ]; then
  mkdir -p "$libs"
  mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies -DoutputDirectory="$libs" >&2
  touch "$libs/.complete"
fi
echo "$libs"
