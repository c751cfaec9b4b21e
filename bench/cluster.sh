#!/usr/bin/env bash
# Fan-out across a local cluster: a throwaway redis-server and NODES nodes (default 2) on this
# machine, the bench spreading subscribers over them. JSON on stdout.
#   bench/cluster.sh [bench cluster options...]     e.g. bench/cluster.sh --subscribers 1000 --rate 50
# Environment: NODES (2), REDIS_SHARDS (1: Redis instances the streams are spread over, on
# ports from REDIS_PORT up), REDIS_CLUSTER (0; 1: the instances form one Redis Cluster, its
# slots split evenly, and the nodes run with --redis-cluster), REDIS_PORT (16399), FIRST_PORT
# (18090), SERVER_OPTS, SERVER_JAR (the nodes' jar, to compare builds; default: this checkout's).
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
shards="${REDIS_SHARDS:-1}"
cluster_flag=()
cluster_opts=()
if [ "${REDIS_CLUSTER:-0}" = 1 ]; then
  cluster_flag=(--redis-cluster)
fi
for s in $(seq 0 $((shards - 1))); do
  [ ${#cluster_flag[@]} -eq 0 ] || cluster_opts=(--cluster-enabled yes --cluster-config-file "nodes-$s.conf")
  redis-server --port $((redis_port + s)) --bind 127.0.0.1 --save "" --appendonly no --dir "$work" \
    --dbfilename "dump-$s.rdb" "${cluster_opts[@]}" >"$work/redis-$s.log" 2>&1 &
  pids+=($!)
  redis_uris+=("redis://127.0.0.1:$((redis_port + s))")
done
redis_list="$(IFS=,; echo "${redis_uris[*]}")"
cleanup() { kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
for s in $(seq 0 $((shards - 1))); do
  until redis-cli -p $((redis_port + s)) PING >/dev/null 2>&1; do sleep 0.1; done
done
if [ ${#cluster_flag[@]} -gt 0 ]; then
  # One Redis Cluster: the 16384 slots split evenly over the instances, which then meet.
  for s in $(seq 0 $((shards - 1))); do
    redis-cli -p $((redis_port + s)) CLUSTER ADDSLOTSRANGE $((16384 * s / shards)) $((16384 * (s + 1) / shards - 1)) >/dev/null
    [ "$s" -eq 0 ] || redis-cli -p "$redis_port" CLUSTER MEET 127.0.0.1 $((redis_port + s)) >/dev/null
  done
  for s in $(seq 0 $((shards - 1))); do
    until redis-cli -p $((redis_port + s)) CLUSTER INFO | grep -q "cluster_known_nodes:$shards" \
        && redis-cli -p $((redis_port + s)) CLUSTER INFO | grep -q 'cluster_state:ok'; do sleep 0.1; done
  done
fi
urls=()
for i in $(seq 0 $((nodes - 1))); do
  port=$((first + i))
  # shellcheck disable=SC2086
  java ${SERVER_OPTS:-} -jar "${SERVER_JAR:-$jar}" serve --host 127.0.0.1 --port "$port" --grpc-port -1 --node-id "bench-$i" \
    --redis "$redis_list" "${cluster_flag[@]}" --command-rate 0 2>"$work/node-$i.log" &
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
for s in $(seq 0 $((shards - 1))); do
  redis-cli -p $((redis_port + s)) INFO commandstats | grep -E '^cmdstat_evalsha' >&2 || true
done
