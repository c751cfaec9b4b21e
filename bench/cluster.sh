#!/usr/bin/env bash
# Fan-out across a local cluster: a throwaway redis-server and NODES nodes (default 2) on this
# machine, the bench spreading subscribers over them. JSON on stdout.
#   bench/cluster.sh [bench cluster options...]     e.g. bench/cluster.sh --subscribers 1000 --rate 50
# Environment: NODES (2), REDIS_SHARDS (1: Redis instances the streams are spread over, on
# ports from REDIS_PORT up), REDIS_PORT (16399), FIRST_PORT (18090), SERVER_OPTS, SERVER_JAR (the
# nodes' jar, to compare builds; default: this checkout's).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/cli/target/switchboard.jar"
[ -f "$jar" ] || (cd "$root" && mvn -B -q -DskipTests package)
nodes="${NODES:-2}"
redis_port="${REDIS_PORT:-16399}"
first="${FIRST_PORT:-18090}"
work="$(mktemp -d)"
pids=()
redis_uris=()
for s in $(seq 0 $((${REDIS_SHARDS:-1} - 1))); do
  redis-server --port $((redis_port + s)) --bind 127.0.0.1 --save "" --appendonly no --dir "$work" \
    --dbfilename "dump-$s.rdb" >"$work/redis-$s.log" 2>&1 &
  pids+=($!)
  redis_uris+=("redis://127.0.0.1:$((redis_port + s))")
done
redis_list="$(IFS=,; echo "${redis_uris[*]}")"
cleanup() { kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
urls=()
for i in $(seq 0 $((nodes - 1))); do
  port=$((first + i))
  # shellcheck disable=SC2086
  java ${SERVER_OPTS:-} -jar "${SERVER_JAR:-$jar}" serve --host 127.0.0.1 --port "$port" --grpc-port -1 --node-id "bench-$i" \
    --redis "$redis_list" --command-rate 0 2>"$work/node-$i.log" &
  pids+=($!)
  urls+=("ws://127.0.0.1:$port")
done
for i in $(seq 0 $((nodes - 1))); do
  for _ in $(seq 1 100); do
    grep -q "listening on" "$work/node-$i.log" && break
    sleep 0.1
  done
  grep -q "listening on" "$work/node-$i.log" || { cat "$work/node-$i.log" >&2; exit 1; }
done
java -jar "$jar" bench cluster "${urls[@]}" --json "$@"
# What Redis spent on the publish scripts, for the sweep's table (on stderr).
for s in $(seq 0 $((${REDIS_SHARDS:-1} - 1))); do
  redis-cli -p $((redis_port + s)) INFO commandstats | grep -E '^cmdstat_evalsha' >&2 || true
done
