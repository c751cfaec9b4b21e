#!/usr/bin/env bash
# Fan-out latency against load: one room of N subscribers, rising publish rates, each run
# against a fresh node. Writes one JSON per run and a TSV summary into OUT (default
# docs/bench), then draws docs/img/fanout-latency.png and docs/img/fanout-cpu.png.
#   bench/fanout-sweep.sh [rates...]      (default: 50 100 200 400 600 800 1000 1200 1500 2000)
# Environment: SUBSCRIBERS (1000), DURATION (20), WARMUP (10), REPEAT (1), OUT, PLOT (path
# prefix of the pictures; empty for none), and the variables of bench/fanout.sh.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
out="${OUT:-$root/docs/bench}"
mkdir -p "$out" "$root/docs/img"
rates=("$@")
[ ${#rates[@]} -gt 0 ] || rates=(50 100 200 400 600 800 1000 1200 1500 2000)
tsv="$out/fanout-sweep.tsv"
printf 'rate\trun\tdeliveries_per_s\tp50_ms\tp90_ms\tp99_ms\tp999_ms\tmax_ms\tmissing\tserver_cpu_us_per_delivery\n' > "$tsv"
for rate in "${rates[@]}"; do
  for run in $(seq 1 "${REPEAT:-1}"); do
    echo "sweep: rate $rate msg/s, run $run" >&2
    json="$out/fanout-${rate}-${run}.json"
    "$here/fanout.sh" --subscribers "${SUBSCRIBERS:-1000}" --rate "$rate" \
      --duration "${DURATION:-20}" --warmup "${WARMUP:-10}" > "$json" || true
    jq -r --arg rate "$rate" --arg run "$run" '[$rate, $run, .deliveries_per_second, .latency_ms.p50,
        .latency_ms.p90, .latency_ms.p99, .latency_ms.p999, .latency_ms.max, .missing,
        .server_cpu_us_per_delivery] | @tsv' "$json" >> "$tsv"
  done
done
plot="${PLOT-$root/docs/img/fanout}"
if [ -n "$plot" ]; then
  gnuplot -e "data='$tsv'; out='$plot-latency.png'" "$here/fanout-latency.gp"
  gnuplot -e "data='$tsv'; out='$plot-cpu.png'" "$here/fanout-cpu.gp"
fi
cat "$tsv"
