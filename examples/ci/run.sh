#!/usr/bin/env bash
# A working example of docs/ci.md: another project's PC/SC test (examples/ci/pyscard_test.py)
# run against `myna-audit emulate` in CI. It starts pcscd and the emulator, waits for the
# card, runs the test, and stops what it started (by PID, also on failure or Ctrl-C).
#
#   examples/ci/run.sh [FIXTURE]          default fixtures/typical.fixture
#
# Needs pcscd, vsmartcard-vpcd and python3-pyscard (scripts/setup-debian.sh), and no other
# pcscd running (only one can run per machine). Run as root, or own /run/pcscd.
# MYNA_AUDIT: the myna-audit binary (default: built here with cargo).
# PYTHON: the Python that has pyscard (default /usr/bin/python3, Debian's).
set -euo pipefail
cd "$(dirname "$0")/../.."
fixture=${1:-fixtures/typical.fixture}
python=${PYTHON:-/usr/bin/python3}
log_dir=$(mktemp -d)
pcscd_pid=""
emulator_pid=""

say() { echo "ci-example: $*"; }

stop() {
  # Only what this script started, by PID: the emulator first, then pcscd.
  for pid in $emulator_pid $pcscd_pid; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$log_dir"
}
trap stop EXIT
trap 'exit 130' INT TERM

fail() {
  say "FAILED: $*"
  for f in "$log_dir"/*.log; do
    [ -s "$f" ] && { echo "--- $(basename "$f")"; tail -n 20 "$f"; }
  done
  exit 1
}

if [ -z "${MYNA_AUDIT:-}" ]; then
  cargo build --quiet --bin myna-audit
  MYNA_AUDIT=target/debug/myna-audit
fi
pcscd=$(command -v pcscd || echo /usr/sbin/pcscd)
[ -x "$pcscd" ] || fail "pcscd is not installed (apt-get install pcscd vsmartcard-vpcd)"
[ -e /etc/reader.conf.d/vpcd ] || fail "the vpcd driver is not installed (apt-get install vsmartcard-vpcd)"
"$python" -c "import smartcard" 2>/dev/null || fail "$python has no pyscard (apt-get install python3-pyscard)"
if [ -s /run/pcscd/pcscd.pid ] && kill -0 "$(tr -d '\0' < /run/pcscd/pcscd.pid)" 2>/dev/null; then
  fail "a pcscd is already running (pid $(tr -d '\0' < /run/pcscd/pcscd.pid)); stop it first: only one can run"
fi
unset PCSCLITE_CSOCK_NAME

# 1. pcscd in the foreground (its log kept), as a child of this script.
"$pcscd" --foreground >"$log_dir/pcscd.log" 2>&1 &
pcscd_pid=$!

# wait_for WHAT PATTERN: polls `myna-audit readers` (10 s at most) until its JSON matches.
wait_for() {
  for _ in $(seq 100); do
    kill -0 "$pcscd_pid" 2>/dev/null || fail "pcscd exited"
    [ -z "$emulator_pid" ] || kill -0 "$emulator_pid" 2>/dev/null || fail "the emulator exited"
    "$MYNA_AUDIT" readers --format json 2>/dev/null | grep -q "$2" && return 0
    sleep 0.1
  done
  fail "$1 did not appear within 10 s"
}

# pcscd is ready when it lists vpcd's reader; the emulator connects to vpcd inside it.
wait_for "the reader \"Virtual PCD 00 00\"" '"name": "Virtual PCD 00 00"'

# 2. The emulated card: vpcd's first slot, "Virtual PCD 00 00".
"$MYNA_AUDIT" emulate "$fixture" >"$log_dir/emulate.log" 2>&1 &
emulator_pid=$!

# 3. Wait until PC/SC shows the card.
wait_for "the emulated card" '"is_my_number_card": true'

# 4. The project's own tests.
if "$python" examples/ci/pyscard_test.py; then
  say "passed (pyscard against myna-audit emulate $fixture)"
else
  fail "examples/ci/pyscard_test.py"
fi
