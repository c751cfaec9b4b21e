# Server memory (heap and Netty direct, lowest sample while held) against idle connections.
# gnuplot -e "data='docs/bench/connections-sweep.tsv'; out='docs/img/memory-connections.png'" bench/memory-connections.gp
set terminal pngcairo size 900,420 font "sans,11"
set output out
set title "Switchboard server memory against idle WebSocket connections (one room each of 100)"
set xlabel "open connections (thousands)"
set ylabel "memory in use (MiB)"
set y2label "bytes per connection"
set ytics nomirror
set y2tics
set yrange [0:*]
set y2range [0:*]
set grid
set key top left
set datafile separator "\t"
plot data every ::1 using ($2/1000):3 with linespoints lw 2 pt 7 title "heap in use", \
     data every ::1 using ($2/1000):4 with linespoints lw 2 pt 5 title "Netty direct memory", \
     data every ::1 using ($2/1000):5 axes x1y2 with linespoints lw 2 pt 9 dt 2 title "bytes per connection (right)"
