# The chart of scripts/bench.sh: each case's median time per map operation
# relative to plain clang++ -O2, per flavour, on a log scale, with the
# issue's targets for strict and fast as black marks over their bars.
#
#   gnuplot -e "data='ratios.tsv'; out='ratios.png'; subtitle='...'" ratios.gp
#
# ratios.tsv (bench/summarize.py): case, strict, fast, tsan, strict_target,
# fast_target; "?" where a case has no target.
if (!exists("subtitle")) subtitle = ""

set terminal pngcairo size 1280,640 font "DejaVu Sans,11"
set output out
set datafile missing "?"
set title "MapGuard overhead: time per map operation / plain clang++ -O2 (log scale)\n{/*0.8 ".subtitle."}"

hi = 1; lo = 1
do for [c = 2:4] {
  stats data using c nooutput
  hi = STATS_max > hi ? STATS_max : hi
  lo = STATS_min < lo ? STATS_min : lo
}
stats data using 2 nooutput
cases = STATS_records

set logscale y
set yrange [(lo < 0.6 ? lo * 0.8 : 0.5):hi * 1.6]
set xrange [-0.6:cases - 0.4]
set ytics (0.5, 0.75, 1, 1.25, 1.5, 2, 3, 5, 10, 20, 50, 100)
set grid ytics lc rgb "#dddddd"
set ylabel "ratio to baseline"
set key top left
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set xtics nomirror
set arrow from graph 0, first 1 to graph 1, first 1 nohead lc rgb "black" lw 1.5 front

# Bar centres in a cluster of three with gap 1: -0.225, 0, +0.225.
w = 0.225
plot data using 2:xtic(1) title "strict" lc rgb "#1f5fa8", \
     ''   using 3 title "fast" lc rgb "#3a9a3a", \
     ''   using 4 title "tsan" lc rgb "#a0a0a0", \
     ''   using ($0 - w - 0.1):5:(0.2):(0) with vectors nohead lw 3 lc rgb "black" title "target (strict, fast)", \
     ''   using ($0 - 0.1):6:(0.2):(0) with vectors nohead lw 3 lc rgb "black" notitle, \
     ''   using ($0 - w):2:(sprintf("%.2f", $2)) with labels offset 0,0.7 font ",8" notitle, \
     ''   using ($0):3:(sprintf("%.2f", $3)) with labels offset 0,0.7 font ",8" notitle, \
     ''   using ($0 + w):4:(sprintf("%.1f", $4)) with labels offset 0,0.7 font ",8" notitle
