# Publish-to-receive latency against deliveries per second (one room, one publisher).
# gnuplot -e "data='docs/bench/fanout-sweep.tsv'; out='docs/img/fanout-latency.png'" bench/fanout-latency.gp
set terminal pngcairo size 900,520 font "sans,11"
set output out
set title "Switchboard fan-out: 1,000 WebSocket members in one room, loopback, 2 cores"
set xlabel "deliveries per second (thousands)"
set ylabel "publish-to-receive latency (ms, log scale)"
set logscale y
set grid
set key top left
set datafile separator "\t"
plot data every ::1 using ($3/1000):4 with linespoints lw 2 pt 7 title "p50", \
     data every ::1 using ($3/1000):6 with linespoints lw 2 pt 5 title "p99", \
     data every ::1 using ($3/1000):7 with linespoints lw 2 pt 9 title "p99.9", \
     100 with lines dt 2 lc rgb "red" title "100 ms"
