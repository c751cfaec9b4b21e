#!/usr/bin/env bash
# Publications per second through Redis against latency: a fresh local cluster (bench/cluster.sh:
# a throwaway redis-server and NODES nodes) per run, many small rooms, several publishers,
# rising publish rates. Writes one JSON per run and a TSV summary into OUT (default docs/bench),
# then draws docs/img/cluster-latency.png.
#   bench/cluster-sweep.sh [rates...]      (default: 2500 5000 7500 10000 12500 15000 20000)
# Environment: SUBSCRIBERS (400), ROOMS (200), PUBLISHERS (8), DURATION (15), WARMUP (60: the
# four JVMs and Redis share the cores, so the JIT takes long to settle), REPEAT (1), LABEL
# (file name part, default "cluster"), OUT, PLOT (path prefix of the picture; empty for none),
# and the variables of bench/cluster.sh (NODES, SERVER_JAR, SERVER_OPTS, ...).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
out="${OUT:-$root/docs/bench}"
label="${LABEL:-cluster}"
mkdir -p "$out" "$root/docs/img"
rates=("$@")
[ ${#rates[@]} -gt 0 ] || rates=(2500 5000 7500 10000 12500 15000 20000)
tsv="$out/$label-sweep.tsv"
printf 'rate\trun\tpublished_per_s\tdeliveries_per_s\tp50_ms\tp90_ms\tp99_ms\tp999_ms\tmax_ms\tmissing\tredis_scripts\tredis_us_per_script\n' > "$tsv"
for rate in "${rates[@]}"; do
  for run in $(seq 1 "${REPEAT:-1}"); do
    echo "sweep: $label, rate $rate publications/s, run $run" >&2
    json="$out/$label-${rate}-${run}.json"
    stats="$(mktemp)"
    "$here/cluster.sh" --subscribers "${SUBSCRIBERS:-400}" --rooms "${ROOMS:-200}" \
      --publishers "${PUBLISHERS:-8}" --rate "$rate" --duration "${DURATION:-15}" \
      --warmup "${WARMUP:-60}" > "$json" 2> "$stats" || true
    # Summed over the Redis instances (REDIS_SHARDS), with the mean time per call.
    scripts="$(sed -n 's/^cmdstat_evalsha:calls=\([0-9]*\),usec=\([0-9]*\),.*/\1 \2/p' "$stats" \
      | awk '{c += $1; u += $2} END {if (c) printf "%d", c}')"
    per_script="$(sed -n 's/^cmdstat_evalsha:calls=\([0-9]*\),usec=\([0-9]*\),.*/\1 \2/p' "$stats" \
      | awk '{c += $1; u += $2} END {if (c) printf "%.2f", u / c}')"
    rm -f "$stats"
    jq -r --arg rate "$rate" --arg run "$run" --arg scripts "${scripts:-}" --arg per "${per_script:-}" \
      '[$rate, $run, .publish_rate, .deliveries_per_second, .latency_ms.p50, .latency_ms.p90,
        .latency_ms.p99, .latency_ms.p999, .latency_ms.max, .missing, $scripts, $per] | @tsv' "$json" >> "$tsv"
  done
done
plot="${PLOT-$root/docs/img/cluster}"
if [ -n "$plot" ]; then
  gnuplot -e "data='$tsv'; out='$plot-latency.png'" "$here/cluster-latency.gp"
fi
cat "$tsv"
