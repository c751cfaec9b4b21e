#!/usr/bin/env bash
# The floor under any fan-out on this machine: CPU per 120-byte write() to N loopback sockets,
# R rounds per second, in a process that does nothing else (the first pass warms up).
#   bench/write-floor.sh [sockets] [rounds-per-second] [seconds]     (default: 1000 50 20)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/write-floor" && pwd)"
port="${PORT:-19999}"
java "$here/Sink.java" "$port" &
sink=$!
trap 'kill $sink 2>/dev/null' EXIT
for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.1
done
java "$here/Source.java" "$port" "${1:-1000}" "${2:-50}" "${3:-20}"
