# Server CPU time per delivery against deliveries per second.
# gnuplot -e "data='docs/bench/fanout-sweep.tsv'; out='docs/img/fanout-cpu.png'" bench/fanout-cpu.gp
set terminal pngcairo size 900,420 font "sans,11"
set output out
set title "Switchboard server CPU per delivery (user + system), 1,000 members in one room"
set xlabel "deliveries per second (thousands)"
set ylabel "server CPU per delivery (us)"
set yrange [0:6]
set grid
set key top right
set datafile separator "\t"
plot data every ::1 using ($3/1000):10 with linespoints lw 2 pt 7 title "server CPU per delivery", \
     5 with lines dt 2 lc rgb "red" title "5 us target"
