#!/bin/sh
# run-kernel-test.sh — the real-kernel integration test; ctest label "kernel".
#
# usage: run-kernel-test.sh PASSDECK_CLI [--work DIR] [--real-only]
#   Boots Debian's 6.1 kernel under QEMU (TCG, q35, emulated Intel IOMMU; the machine is in
#   qemu-machine.sh), runs scenario.sh with passdeck-cli --host-root / inside the guest, runs the
#   same scenario against a simulated node built from machine.json, and compares (compare.py).
#   --work DIR     keep the work files there (default: a temp dir, removed on success)
#   --real-only    skip the simulator run (development aid; the ctest never passes it)
# Exit: 0 pass, 1 fail, 77 skipped (QEMU cannot run at all), 2 usage.
# Environment: PASSDECK_KERNEL_CACHE (kernel cache dir), PDK_QEMU_TIMEOUT (seconds a boot may run,
# default 240), PDK_BOOT_WINDOW (seconds a boot may take to reach the scenario, default 900).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
CLI=; WORK=; REAL_ONLY=0
while [ $# -gt 0 ]; do
    case $1 in
        --work) WORK=$2; shift 2 ;;
        --real-only) REAL_ONLY=1; shift ;;
        -*) echo "usage: $0 PASSDECK_CLI [--work DIR] [--real-only]" >&2; exit 2 ;;
        *) CLI=$1; shift ;;
    esac
done
[ -n "$CLI" ] || { echo "usage: $0 PASSDECK_CLI [--work DIR] [--real-only]" >&2; exit 2; }
log() { echo "kernel-test: $*" >&2; }
# Debian's python3 (json is in its stdlib), not a user's pyenv shim
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
now() { date +%s; }
T0=$(now)

KEEP=1
if [ -z "$WORK" ]; then WORK=$(mktemp -d "${TMPDIR:-/tmp}/pdk-kernel-test.XXXXXX"); KEEP=0; fi
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
finish() { # rc
    # kept for diagnosis only after a failure (or when asked for with --work)
    if { [ "$1" = 0 ] || [ "$1" = 77 ]; } && [ $KEEP = 0 ]; then rm -rf "$WORK"; else log "work files kept in $WORK"; fi
    log "total $(( $(now) - T0 )) s"
    exit "$1"
}

# ---- layer 1: dependencies -----------------------------------------------------------------------
"$HERE/fetch-deps.sh" > "$WORK/fetch.out"
rc=$?
if [ $rc = 77 ]; then log "SKIP: QEMU is not available on this machine (see fetch-deps output above)"; finish 77; fi
[ $rc = 0 ] || { log "FAIL: fetch-deps.sh exited $rc"; finish 1; }
TREE=$(sed -n 's/^KERNEL_TREE=//p' "$WORK/fetch.out" | tail -n1)
KVER=$(ls "$TREE/lib/modules" | head -n1)
VMLINUZ="$TREE/boot/vmlinuz-$KVER"
[ -f "$VMLINUZ" ] || { log "FAIL: no $VMLINUZ"; finish 1; }
QEMU=$(command -v qemu-system-x86_64) || { log "SKIP: no qemu-system-x86_64"; finish 77; }
if ! "$QEMU" -version > /dev/null 2>&1; then log "SKIP: $QEMU does not run"; finish 77; fi
if ! "$QEMU" -device nvme,help 2>/dev/null | grep -q sriov_max_vfs; then
    log "FAIL: this QEMU's nvme device has no SR-IOV (sriov_max_vfs); QEMU 7.1+ needed"; finish 1
fi
log "kernel $KVER, $($QEMU -version | head -n1)"

# ---- layer 2: initramfs --------------------------------------------------------------------------
case $CLI in /*) ;; *) CLI=$(pwd)/$CLI ;; esac
[ -x "$CLI" ] || { log "FAIL: $CLI is not executable"; finish 1; }
"$HERE/build-initramfs.sh" "$TREE" "$WORK/initramfs.cpio.gz" "$CLI" || { log "FAIL: build-initramfs.sh"; finish 1; }
T1=$(now)

# ---- layer 3+4: boot and run the scenario in the guest --------------------------------------------
. "$HERE/qemu-machine.sh"
# One boot: QEMU in the background, watched.  A guest that has not reached its scenario (no
# PDK-BEGIN on the results port) after PDK_BOOT_WINDOW seconds is taken as a hung boot (a CI
# machine once saw the guest print nothing for 50 minutes, where a boot takes ~10 s) and is booted
# again, up to three times.  This is a hang guard, not a budget: the window is minutes, the run as
# a whole has PDK_QEMU_TIMEOUT.
boot_once() {
    rm -f "$WORK/console.log" "$WORK/results-real.txt"
    : > "$WORK/results-real.txt"
    # shellcheck disable=SC2086
    timeout -k 10 "${PDK_QEMU_TIMEOUT:-240}" "$QEMU" \
        -machine q35,accel=tcg,kernel-irqchip=split -cpu max -m 1024 -smp 2 \
        -nodefaults -vga none -display none -no-reboot -no-user-config \
        -kernel "$VMLINUZ" -initrd "$WORK/initramfs.cpio.gz" \
        -append "console=ttyS0 intel_iommu=on iommu=pt panic=-1 loglevel=6" \
        -serial "file:$WORK/console.log" -serial "file:$WORK/results-real.txt" \
        $PDK_QEMU_DEVICES > "$WORK/qemu.out" 2>&1 &
    qpid=$!
    waited=0
    while kill -0 "$qpid" 2>/dev/null; do
        if [ "$waited" -ge "${PDK_BOOT_WINDOW:-900}" ] && ! grep -q '^PDK-BEGIN' "$WORK/results-real.txt"; then
            log "the guest did not reach its scenario within ${PDK_BOOT_WINDOW:-900} s; console tail:"
            tail -n 20 "$WORK/console.log" >&2
            kill "$qpid" 2>/dev/null
            wait "$qpid"
            return 125
        fi
        sleep 2; waited=$((waited + 2))
    done
    wait "$qpid"
}
attempt=1
while :; do
    boot_once
    qrc=$?
    [ $qrc = 125 ] && [ $attempt -lt 3 ] || break
    attempt=$((attempt + 1))
    log "booting the guest again (attempt $attempt of 3)"
done
T2=$(now)
log "guest: QEMU exit $qrc after $((T2 - T1)) s (initramfs build $((T1 - T0)) s incl. deps, boot attempts $attempt)"
grep -v 'has no peer' "$WORK/qemu.out" >&2
if ! grep -q '^PDK-BEGIN' "$WORK/results-real.txt"; then
    if [ $qrc != 0 ] && [ $qrc != 124 ] && [ $qrc != 125 ] && [ ! -s "$WORK/console.log" ]; then
        log "SKIP: QEMU could not boot the guest at all (exit $qrc, no console output)"; finish 77
    fi
    log "FAIL: the guest produced no results (QEMU exit $qrc); console tail:"
    tail -n 40 "$WORK/console.log" >&2
    finish 1
fi
[ $qrc = 124 ] && log "QEMU timed out after ${PDK_QEMU_TIMEOUT:-240} s"
ub=$(tr -d '\r' < "$WORK/results-real.txt" | sed -n 's/^PDK-BEGIN .*uptime=\([0-9.]*\).*/\1/p')
ue=$(tr -d '\r' < "$WORK/results-real.txt" | sed -n 's/^PDK-END uptime=\([0-9.]*\).*/\1/p')
[ -n "$ub" ] && [ -n "$ue" ] && log "guest uptime: scenario started at ${ub} s (boot + drivers), ended at ${ue} s"
if grep -q 'pdk-init' "$WORK/console.log"; then
    log "guest diagnostics (console):"; grep -A200 'pdk-init' "$WORK/console.log" | head -n 60 >&2
fi

# ---- layer 5: the same scenario against the simulator ---------------------------------------------
if [ $REAL_ONLY = 1 ]; then
    "$PY" "$HERE/compare.py" check "$WORK/results-real.txt"
    rc=$?
    finish $rc
fi
SIMROOT="$WORK/simroot"
rm -rf "$SIMROOT"
# the simulated node: machine.json (the QEMU machine as the real kernel showed it) built by
# `passdeck-cli sim build DIR --description FILE` (backend/sim/SimHostBuilder)
if ! "$CLI" --db "$WORK/sim-build.db" sim build "$SIMROOT" --description "$HERE/machine.json" \
        > "$WORK/sim-build.out" 2>&1; then
    log "FAIL: cannot create the simulated node from machine.json:"; cat "$WORK/sim-build.out" >&2
    "$PY" "$HERE/compare.py" check "$WORK/results-real.txt" >&2
    finish 1
fi
{
    echo "PDK-BEGIN simulator"
    sh "$HERE/scenario.sh" sim "$SIMROOT" "$CLI" --host-root "$SIMROOT" --simulate --db "$WORK/sim.db"
    echo "PDK-INFO scenario-exit $?"
    echo "PDK-END"
} > "$WORK/results-sim.txt" 2> "$WORK/scenario-sim.stderr"
[ -s "$WORK/scenario-sim.stderr" ] && { log "simulator scenario stderr:"; cat "$WORK/scenario-sim.stderr" >&2; }
T3=$(now)
log "simulator run $((T3 - T2)) s"
"$PY" "$HERE/compare.py" check "$WORK/results-real.txt" --sim "$WORK/results-sim.txt"
finish $?
