#!/usr/bin/env bash
# Publishing through the gRPC server API against a fresh local node: unary Publish calls
# against one PublishStream. JSON on stdout.
#   bench/grpc-publish.sh [bench grpc-publish options...]   e.g. bench/grpc-publish.sh --messages 100000
# Environment: SERVER_OPTS (JVM options of the node), GRPC_PORT (default 19090).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/cli/target/switchboard.jar"
[ -f "$jar" ] || (cd "$root" && mvn -B -q -DskipTests package)
grpc_port="${GRPC_PORT:-19090}"

log="$(mktemp)"
# The API's per-key rate limit would measure itself, not the path: lift it for the run.
# shellcheck disable=SC2086
java ${SERVER_OPTS:-} -jar "$jar" serve --host 127.0.0.1 --port 0 --grpc-port "$grpc_port" \
  --api-rate 10000000 --api-burst 10000000 2>"$log" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 1 100); do
  grep -q "listening on" "$log" && break
  kill -0 $server 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.1
done
java -jar "$jar" bench grpc-publish "grpc://127.0.0.1:$grpc_port" --json "$@"
