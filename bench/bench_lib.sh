# Shell helpers of the end-to-end benchmarks, sourced by bench_vpcflow.sh and bench_dns.sh (which
# set VIGIL first): a clock, the smaller of two times, a simulated corpus made once and reused,
# the scan time of a vigil summary, and the wall and CPU time of a command.

now() { date +%s.%N; }
min() { echo "if ($1 < $2) $1 else $2" | bc -l; }

# bench_corpus DIR ARGS...: `vigil simulate --out DIR ARGS...` unless a finished DIR is there
bench_corpus() {
    _dir=$1
    shift
    if [ ! -f "$_dir/.complete" ]; then
        rm -rf "$_dir"
        "$VIGIL" simulate --out "$_dir" "$@"
        touch "$_dir/.complete"
    fi
}

# scan_seconds SUMMARY: the time in vigil's summary line, which starts once the lists are loaded
scan_seconds() { sed -n 's/.* in \([0-9.]*\) s, .*/\1/p' "$1"; }
# scan_records SUMMARY: the records the scan read
scan_records() { sed -n 's/.*: \([0-9]*\) records, .*/\1/p' "$1"; }

# timed CMD...: run CMD (a program, not a shell function); T_WALL is its wall time and T_CPU the
# user+sys time of the processes it ran, all threads (the shell's reaped children, from the
# `times` builtin before and after), in seconds.  Returns CMD's status.
timed() {
    _t0=$(now)
    times > build/.bench-times.0
    _rc=0
    "$@" || _rc=$?
    times > build/.bench-times.1
    _t1=$(now)
    T_WALL=$(echo "$_t1 - $_t0" | bc -l)
    T_CPU=$(echo "$(children_cpu build/.bench-times.1) - $(children_cpu build/.bench-times.0)" | bc -l)
    return $_rc
}
# children_cpu FILE: user+sys seconds of the reaped children in FILE, written by `times`
children_cpu() {
    awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/); print u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$1"
}
