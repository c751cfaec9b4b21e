# Publish-to-receive latency against publications per second, two nodes through one Redis.
# gnuplot -e "data='docs/bench/cluster-sweep.tsv'; out='docs/img/cluster-latency.png'" bench/cluster-latency.gp
# With before='docs/bench/cluster-before-sweep.tsv' it adds the build before batching.
set terminal pngcairo size 900,520 font "sans,11"
set output out
set title "Two nodes through one Redis: 400 members in 200 rooms, 8 publishers, loopback, 2 cores"
set xlabel "publications per second (thousands), 3 deliveries each"
set ylabel "publish-to-receive latency (ms, log scale)"
set logscale y
set yrange [0.5:*]
set grid
set key top left
set datafile separator "\t"
if (exists("before")) {
  plot data every ::1 using ($3/1000):5 with linespoints lw 2 pt 7 lc rgb "#1f77b4" title "p50", \
       data every ::1 using ($3/1000):7 with linespoints lw 2 pt 5 lc rgb "#ff7f0e" title "p99", \
       before every ::1 using ($3/1000):5 with linespoints lw 1 dt 2 pt 6 lc rgb "#1f77b4" title "p50, one script call per publication, one command at a time", \
       before every ::1 using ($3/1000):7 with linespoints lw 1 dt 2 pt 4 lc rgb "#ff7f0e" title "p99, one script call per publication, one command at a time", \
       50 with lines dt 3 lc rgb "red" title "50 ms"
} else {
  plot data every ::1 using ($3/1000):5 with linespoints lw 2 pt 7 title "p50", \
       data every ::1 using ($3/1000):7 with linespoints lw 2 pt 5 title "p99", \
       50 with lines dt 3 lc rgb "red" title "50 ms"
}
