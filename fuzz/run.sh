#!/usr/bin/env bash
# Fuzz every target for a bounded time (fuzz/README.md). Installs cargo-fuzz when missing,
# builds once, replays the committed regression inputs, then fuzzes two targets at a time
# (this is a 2-core machine) from the committed seeds. Stable Rust only: cargo-fuzz needs
# nightly flags, which RUSTC_BOOTSTRAP=1 allows on a stable toolchain.
#
#   fuzz/run.sh                   # default time per target (below): about 3 min of fuzzing
#   FUZZ_SECONDS=600 fuzz/run.sh  # every target this long
#   fuzz/run.sh audit cert        # only these targets
#
# Exit status: 0 when no target crashed; 1 with the crashing input's path and how to
# reproduce it; 2 when the tools cannot be installed or built.
set -euo pipefail
cd "$(dirname "$0")/.."
export RUSTC_BOOTSTRAP=1
export CARGO_TERM_COLOR=never

# Seconds per target: the whole-audit and fixture targets are the slowest per execution
# and reach the most code, so they get the most time.
declare -A TIME=([audit]=100 [fixture]=80 [record]=80 [cert]=50 [records]=25 [tlv]=25 [sw]=15)
ORDER=(audit fixture record cert records tlv sw)
if [ $# -gt 0 ]; then ORDER=("$@"); fi
# Built with debug assertions (overflow checks) and without AddressSanitizer: the crate
# forbids unsafe code, and the sanitizer halves the executions per second.
FLAGS=(-a --sanitizer none)

start=$(date +%s)
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "== installing cargo-fuzz (cargo install cargo-fuzz --locked)"
    cargo install cargo-fuzz --locked || {
        echo "fuzz/run.sh: cannot install cargo-fuzz from crates.io" >&2
        exit 2
    }
fi
echo "== $(cargo fuzz --version), $(rustc --version)"
echo "== building the fuzz targets"
cargo fuzz build "${FLAGS[@]}" || {
    echo "fuzz/run.sh: the fuzz targets do not build" >&2
    exit 2
}
built=$(date +%s)

logs=fuzz/artifacts/logs
mkdir -p "$logs"

# Regression inputs: every crash ever found, run once each, must pass.
for t in "${ORDER[@]}"; do
    dir=fuzz/regressions/$t
    if [ -d "$dir" ] && [ -n "$(ls -A "$dir")" ]; then
        echo "== $t: replaying $(ls "$dir" | wc -l) regression input(s)"
        cargo fuzz run "${FLAGS[@]}" "$t" "$dir" -- -runs=0 >"$logs/$t.regressions.log" 2>&1 || {
            tail -n 30 "$logs/$t.regressions.log" >&2
            echo "fuzz/run.sh: a regression input of $t crashes again (log: $logs/$t.regressions.log)" >&2
            exit 1
        }
    fi
done

fuzz_one() {
    local t=$1 secs=${FUZZ_SECONDS:-${TIME[$1]:-60}}
    local seeds=fuzz/seeds/$t
    [ "$t" = fixture ] && seeds=fixtures
    [ "$t" = record ] && seeds=fuzz/seeds/audit
    mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
    local rc=0
    cargo fuzz run "${FLAGS[@]}" "$t" "fuzz/corpus/$t" "$seeds" -- \
        -max_total_time="$secs" -print_final_stats=1 >"$logs/$t.log" 2>&1 || rc=$?
    echo "$rc" >"$logs/$t.rc"
}

running=0
for t in "${ORDER[@]}"; do
    echo "== fuzzing $t for ${FUZZ_SECONDS:-${TIME[$t]:-60}} s"
    rm -f "$logs/$t.rc"
    fuzz_one "$t" &
    running=$((running + 1))
    if [ $running -ge 2 ]; then
        wait -n || true
        running=$((running - 1))
    fi
done
wait
end=$(date +%s)
failed=()
for t in "${ORDER[@]}"; do
    [ "$(cat "$logs/$t.rc" 2>/dev/null)" = 0 ] || failed+=("$t")
done

printf '\n%-8s %12s %10s %8s\n' target executions exec/s corpus
for t in "${ORDER[@]}"; do
    runs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1/p' "$logs/$t.log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$logs/$t.log" | tail -1)
    corp=$(ls "fuzz/corpus/$t" | wc -l)
    printf '%-8s %12s %10s %8s\n' "$t" "${runs:-?}" "${rate:-?}" "$corp"
done
echo "fuzz: build $((built - start)) s, fuzzing $((end - built)) s, total $((end - start)) s"

if [ ${#failed[@]} -gt 0 ]; then
    for t in "${failed[@]}"; do
        echo "--- $t crashed; the end of its log ($logs/$t.log):" >&2
        tail -n 40 "$logs/$t.log" >&2
        art=$(ls -t "fuzz/artifacts/$t"/crash-* "fuzz/artifacts/$t"/oom-* "fuzz/artifacts/$t"/timeout-* 2>/dev/null | head -1 || true)
        if [ -n "$art" ]; then
            echo "reproduce: RUSTC_BOOTSTRAP=1 cargo fuzz run ${FLAGS[*]} $t $art" >&2
            echo "then fix it, copy the input to fuzz/regressions/$t/ and add a unit test named after it" >&2
        fi
    done
    exit 1
fi
