#!/usr/bin/env bash
# Server memory against idle connections: each count against a fresh local node, the bench in a
# process of its own (each process may hold up to 20,000 descriptors here). Writes one JSON per
# run and a TSV into OUT (default docs/bench), then draws docs/img/memory-connections.png.
#   bench/connections-sweep.sh [counts...]      (default: 1000 2000 5000 10000 15000)
# Environment: HOLD (10), BASELINE (5), SOURCES (4 source addresses), OUT, PLOT (path of the
# picture; empty for none), SERVER_OPTS (JVM options of the node), PORT (18081).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
jar="$root/cli/target/switchboard.jar"
[ -f "$jar" ] || (cd "$root" && mvn -B -q -DskipTests package)
out="${OUT:-$root/docs/bench}"
mkdir -p "$out" "$root/docs/img"
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(1000 2000 5000 10000 15000)
port="${PORT:-18081}"
tsv="$out/connections-sweep.tsv"
printf 'connections\topened\theap_mib\tdirect_mib\tbytes_per_connection\tconnect_p50_ms\tconnect_p99_ms\n' > "$tsv"
for n in "${counts[@]}"; do
  echo "sweep: $n connections" >&2
  log="$(mktemp)"
  # shellcheck disable=SC2086
  java ${SERVER_OPTS:-} -jar "$jar" serve --host 127.0.0.1 --port "$port" --grpc-port -1 \
    --max-connections-per-user 0 2>"$log" &
  server=$!
  for _ in $(seq 1 100); do
    grep -q "listening on" "$log" && break
    kill -0 $server 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.1
  done
  json="$out/connections-$n.json"
  java -jar "$jar" bench connections "ws://127.0.0.1:$port" --connections "$n" --hold "${HOLD:-10}" \
    --baseline "${BASELINE:-5}" --source-addresses "${SOURCES:-4}" --json > "$json" || true
  kill $server; wait $server 2>/dev/null || true
  rm -f "$log"
  jq -r --arg n "$n" '[$n, .opened, (.heap_bytes_after / 1048576), (.direct_bytes_after / 1048576),
      .bytes_per_connection, .connect_ms.p50, .connect_ms.p99] | @tsv' "$json" >> "$tsv"
done
plot="${PLOT-$root/docs/img/memory-connections.png}"
if [ -n "$plot" ]; then
  gnuplot -e "data='$tsv'; out='$plot'" "$here/memory-connections.gp"
fi
cat "$tsv"
