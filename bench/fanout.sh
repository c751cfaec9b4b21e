#!/usr/bin/env bash
# One fan-out measurement against a fresh local node, as JSON on stdout.
#   bench/fanout.sh [bench fanout options...]     e.g. bench/fanout.sh --rate 50 --subscribers 1000
# Environment:
#   SERVER_OPTS   JVM options of the node (e.g. -Dio.netty.allocator.type=pooled)
#   SERVER_ARGS   extra `serve` flags (e.g. --io-threads 1)
#   SERVER_CPUS   CPUs the node may run on, for taskset (e.g. 0); BENCH_CPUS likewise
#   BENCH_BATCH   1 runs the load generator under SCHED_BATCH, so that its threads, woken by
#                 the node's writes, do not preempt the node on the shared cores
#   PORT          port of the node (default 18080); GRPC_PORT its gRPC port (default: any free
#                 one; give one with --subscribe-over grpc --grpc-port N)
#   SERVER_JAR    the node's jar, to compare builds (default: this checkout's)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/cli/target/switchboard.jar"
[ -f "$jar" ] || (cd "$root" && mvn -B -q -DskipTests package)
port="${PORT:-18080}"
server_jar="${SERVER_JAR:-$jar}"
pin() { if [ -n "${1:-}" ]; then echo "taskset -c $1"; fi; }

log="$(mktemp)"
# shellcheck disable=SC2086
$(pin "${SERVER_CPUS:-}") java ${SERVER_OPTS:-} -jar "$server_jar" serve --host 127.0.0.1 --port "$port" --command-rate 0 --grpc-port "${GRPC_PORT:-0}" ${SERVER_ARGS:-} 2>"$log" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 1 100); do
  grep -q "listening on" "$log" && break
  kill -0 $server 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.1
done
batch=""
[ "${BENCH_BATCH:-0}" = 1 ] && batch="chrt --batch 0"
# shellcheck disable=SC2086
$batch $(pin "${BENCH_CPUS:-}") java ${BENCH_OPTS:-} -jar "$jar" bench fanout "ws://127.0.0.1:$port" --server-pid "$server" --json "$@"
