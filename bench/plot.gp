# Per-entry cost and throughput per tool and scenario, from bench/run.sh.
# Variables (gnuplot -e): us, gbps (data files: a header line of tool names,
# then one line per scenario, NaN where a tool did not run; the cost file
# has bench/floor's per-file figure as one more column), ntools, out, title.

set terminal svg size 1200,900 dynamic enhanced font 'sans,11' \
	background rgb 'white'
set output out
set multiplot layout 2,1 title title noenhanced

set style data histograms
set style histogram cluster gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set logscale y
set grid ytics
set key outside right top vertical noenhanced
set xtics noenhanced
set datafile missing 'NaN'

set ylabel 'us per entry (log, lower is better)'
plot for [i=2:ntools+2] us using i:xtic(1) title columnheader(i)

set ylabel 'logical GB/s (log, higher is better)'
plot for [i=2:ntools+1] gbps using i:xtic(1) title columnheader(i)

unset multiplot
