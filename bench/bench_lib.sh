# Shell helpers of the end-to-end benchmarks, sourced by bench_vpcflow.sh and bench_dns.sh (which
# set VIGIL first): a clock, the smaller of two times, a simulated corpus made once and reused,
# and the scan time of a vigil summary.

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
