#!/bin/sh
# scenario.sh — the real-kernel/simulator scenario of issue 7, written once.
#
# usage: scenario.sh MODE HOST_ROOT CLI [CLI-ARGS...]
#   MODE       real  (a real kernel: HOST_ROOT is "/", interfaces are brought up with `ip`)
#              sim   (a simulated node: HOST_ROOT is its directory, the CLI has --simulate)
#   HOST_ROOT  the directory that stands for / (sysfs facts are read below it with cat/readlink)
#   CLI...     the passdeck-cli command prefix, e.g. passdeck-cli --host-root / --db /tmp/p.db
#
# Prints one line per step on stdout, and nothing else:
#   PDK-RESULT <step-id> {"rc":N,"stdout":"<cli stdout>","stderr":"<cli stderr>","facts":{...}}
# "stdout"/"stderr" are the CLI's output as JSON strings (the host side parses stdout as JSON);
# "facts" is what this script read from sysfs itself (cat/readlink), independent of Passdeck.
# Steps without a CLI call have rc/stdout/stderr null.  Runs on busybox sh and dash.
# The machine is the one described in machine.json (fixed PCI addresses).

[ $# -ge 3 ] || { echo "usage: $0 real|sim HOST_ROOT CLI [ARGS...]" >&2; exit 2; }
MODE=$1; ROOT=${2%/}; shift 2
CLI_BIN=$1; shift
CLI_ARGS="$*"          # split again on use: no spaces inside these words
S=$ROOT/sys/bus/pci
TMP=${TMPDIR:-/tmp}/pdk-scenario.$$
mkdir -p "$TMP" || exit 1
trap 'rm -rf "$TMP"' EXIT

LONE=0000:00:02.0       # e1000 alone in its IOMMU group
BRIDGE=0000:00:03.0     # pcie-pci-bridge
SHARED_A=0000:01:01.0   # e1000 behind the bridge
SHARED_B=0000:01:02.0   # e1000 behind the bridge (same group as A)
NETDEV=0000:02:00.0     # e1000e behind a pcie-root-port
NVME=0000:03:00.0       # nvme PF, SR-IOV with 2 VFs
UNKNOWN=0000:7f:1f.7    # no such device
NL='
'

# ---- JSON helpers -------------------------------------------------------------------------------
jfile() { # file -> JSON string of its contents (control characters but tab dropped, lines joined by \n)
    # sed does the escaping: awk's gsub() treats backslashes differently in mawk and busybox
    tr -d '\000-\010\013-\037' < "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/	/\\t/g' \
        | awk 'BEGIN { ORS = ""; printf "\"" } { if (NR > 1) printf "\\n"; printf "%s", $0 } END { printf "\"" }'
}
jstr() { printf '%s' "$1" > "$TMP/s"; jfile "$TMP/s"; }
jnull_or_str() { if [ -z "$1" ]; then printf null; else jstr "$1"; fi; }
jnull_or_num() { case $1 in ''|*[!0-9]*) printf null ;; *) printf '%s' "$1" ;; esac; }

# ---- sysfs facts (independent of Passdeck) -----------------------------------------------------
link_base() { [ -L "$1" ] && basename "$(readlink "$1")"; }
drv() { jnull_or_str "$(link_base "$S/devices/$1/driver")"; }
grp_of() { link_base "$S/devices/$1/iommu_group"; }
grp() { jnull_or_num "$(grp_of "$1")"; }
rd() { [ -r "$1" ] && tr -d '\n' < "$1" 2>/dev/null; }
ovr() { v=$(rd "$S/devices/$1/driver_override"); [ "$v" = "(null)" ] && v=; jnull_or_str "$v"; }
vfio_dev() { g=$(grp_of "$1"); if [ -n "$g" ] && [ -e "$ROOT/dev/vfio/$g" ]; then printf true; else printf false; fi; }
dev_facts() { # addr -> {"driver":..,"driver_override":..,"iommu_group":..,"dev_vfio":..}
    printf '{"driver":%s,"driver_override":%s,"iommu_group":%s,"dev_vfio":%s}' \
        "$(drv "$1")" "$(ovr "$1")" "$(grp "$1")" "$(vfio_dev "$1")"
}
list_json() { # words -> JSON array of strings
    first=1; printf '['
    for w in "$@"; do [ $first = 1 ] || printf ','; first=0; jstr "$w"; done
    printf ']'
}
virtfns() { # pf -> the VF addresses in virtfn index order
    i=0
    while [ -L "$S/devices/$1/virtfn$i" ]; do link_base "$S/devices/$1/virtfn$i"; i=$((i+1)); done
}
net_names() { [ -d "$S/devices/$1/net" ] && ls "$S/devices/$1/net"; }
net_facts() { # addr -> [{"name":..,"operstate":..,"flags":..}]
    first=1; printf '['
    for n in $(net_names "$1"); do
        [ $first = 1 ] || printf ','; first=0
        printf '{"name":%s,"mac":%s,"operstate":%s,"flags":%s}' "$(jstr "$n")" \
            "$(jnull_or_str "$(rd "$S/devices/$1/net/$n/address")")" \
            "$(jnull_or_str "$(rd "$S/devices/$1/net/$n/operstate")")" \
            "$(jnull_or_str "$(rd "$S/devices/$1/net/$n/flags")")"
    done
    printf ']'
}

# ---- running the CLI ----------------------------------------------------------------------------
CLI_JSON='"rc":null,"stdout":null,"stderr":null'
cli() { # args... -> sets CLI_JSON
    # shellcheck disable=SC2086
    "$CLI_BIN" $CLI_ARGS "$@" > "$TMP/out" 2> "$TMP/err" < /dev/null
    rc=$?
    CLI_JSON="\"rc\":$rc,\"stdout\":$(jfile "$TMP/out"),\"stderr\":$(jfile "$TMP/err")"
}
emit() { # step facts-json  (uses and resets CLI_JSON)
    printf 'PDK-RESULT %s {%s,"facts":%s}\n' "$1" "$CLI_JSON" "$2"
    CLI_JSON='"rc":null,"stdout":null,"stderr":null'
}

# ---- a real VM on the bound device (real kernel only) --------------------------------------------
# qemu-system-x86_64 started paused (-S: no guest code runs, so TCG inside this TCG guest is quick)
# with the device as -device vfio-pci: QEMU opens /dev/vfio/vfio (the container), /dev/vfio/N (the
# device's IOMMU group), attaches the group to a type1 IOMMU, maps the VM's RAM for DMA and opens
# the device.  QMP on stdio, fed through a FIFO one command at a time, each after the previous
# answer: qmp_capabilities, query-pci (lists the device with its own vendor/device ids), then
# - while QEMU still holds the device - what /proc/PID/fd shows under /dev/vfio, then quit.
# Sets CLI_JSON (QEMU's exit code, the QMP transcript, QEMU's stderr) and VM_FACTS.
VM_WAIT_TICKS=${PDK_VM_WAIT_TICKS:-1200}   # quarter seconds per QMP answer: a hang guard only
vm_open() { # addr
    (
        trap '' PIPE   # a QEMU that died early must not take the scenario with it
        a=$1; rm -f "$TMP/qmp-in" "$TMP/held" "$TMP/drv-during" "$TMP/qemu.rc"
        : > "$TMP/qmp.out"; : > "$TMP/qemu.err"
        mkfifo "$TMP/qmp-in" || exit 1
        qemu-system-x86_64 -S -nodefaults -no-user-config -display none -machine q35,accel=tcg -m 32 \
            -device "vfio-pci,host=$a,id=pdk-vfio,bus=pcie.0,addr=0x05,rombar=0" \
            -qmp stdio < "$TMP/qmp-in" > "$TMP/qmp.out" 2> "$TMP/qemu.err" &
        qpid=$!
        exec 3> "$TMP/qmp-in"
        answers() { grep -cE '^\{"(return|error)"' "$TMP/qmp.out" 2>/dev/null; }
        qmp() { # command, answers wanted after it
            printf '{"execute":"%s"}\n' "$1" >&3
            t=0
            while [ "$(answers)" -lt "$2" ] && kill -0 "$qpid" 2>/dev/null && [ $t -lt "$VM_WAIT_TICKS" ]; do
                sleep 0.25; t=$((t+1))
            done
        }
        qmp qmp_capabilities 1
        qmp query-pci 2
        for f in /proc/"$qpid"/fd/*; do readlink "$f"; done 2>/dev/null | grep '^/dev/vfio/' | sort -u > "$TMP/held"
        echo "$(link_base "$S/devices/$a/driver")" > "$TMP/drv-during"
        qmp quit 3
        exec 3>&-
        t=0; while kill -0 "$qpid" 2>/dev/null && [ $t -lt "$VM_WAIT_TICKS" ]; do sleep 0.25; t=$((t+1)); done
        kill -9 "$qpid" 2>/dev/null
        wait "$qpid"
        echo $? > "$TMP/qemu.rc"
    )
    rc=$(cat "$TMP/qemu.rc" 2>/dev/null)
    CLI_JSON="\"rc\":$(jnull_or_num "$rc"),\"stdout\":$(jfile "$TMP/qmp.out"),\"stderr\":$(jfile "$TMP/qemu.err")"
    VM_FACTS="{\"address\":\"$1\",\"iommu_group\":$(grp "$1"),\"held\":$(list_json $(cat "$TMP/held" 2>/dev/null))"
    VM_FACTS="$VM_FACTS,\"driver_during\":$(jnull_or_str "$(cat "$TMP/drv-during" 2>/dev/null)"),\"after\":$(dev_facts "$1")}"
}

# ---- the scenario --------------------------------------------------------------------------------
# 1. inventory: what Passdeck sees, and what sysfs says in the same boot
inv='{'; first=1
for d in "$S"/devices/*; do
    [ -e "$d" ] || continue
    a=${d##*/}
    [ $first = 1 ] || inv="$inv,"; first=0
    inv="$inv$(jstr "$a"):{\"vendor\":$(jstr "$(rd "$d/vendor")"),\"device\":$(jstr "$(rd "$d/device")")"
    inv="$inv,\"subsystem_vendor\":$(jnull_or_str "$(rd "$d/subsystem_vendor")"),\"subsystem_device\":$(jnull_or_str "$(rd "$d/subsystem_device")")"
    inv="$inv,\"revision\":$(jnull_or_str "$(rd "$d/revision")"),\"numa_node\":$(jnull_or_str "$(rd "$d/numa_node")")"
    inv="$inv,\"sriov_vf_device\":$(jnull_or_str "$(rd "$d/sriov_vf_device")"),\"sriov_offset\":$(jnull_or_num "$(rd "$d/sriov_offset")"),\"sriov_stride\":$(jnull_or_num "$(rd "$d/sriov_stride")")"
    inv="$inv,\"class\":$(jstr "$(rd "$d/class")"),\"driver\":$(drv "$a"),\"iommu_group\":$(grp "$a")"
    inv="$inv,\"reset_method\":$(jnull_or_str "$(rd "$d/reset_method")")"
    inv="$inv,\"sriov_totalvfs\":$(jnull_or_num "$(rd "$d/sriov_totalvfs")")"
    inv="$inv,\"sriov_numvfs\":$(jnull_or_num "$(rd "$d/sriov_numvfs")")"
    par=$(cd -P "$d/.." 2>/dev/null && pwd -P); par=${par##*/}
    case $par in ????:??:??.?) ;; *) par= ;; esac
    nvme=; [ -d "$d/nvme" ] && nvme=$(ls "$d/nvme" | head -n1)
    inv="$inv,\"parent\":$(jnull_or_str "$par"),\"nvme\":$(jnull_or_str "$nvme")"
    inv="$inv,\"physfn\":$(jnull_or_str "$(link_base "$d/physfn")"),\"net\":$(net_facts "$a")}"
done
inv="$inv}"
cli devices --json
emit inventory "$inv"

# 2. the lone e1000: plan, bind to vfio-pci (/dev/vfio/N appears), back to e1000
cli plan "$LONE" --target vfio-pci --json
emit plan-lone "$(dev_facts "$LONE")"
cli bind "$LONE" --json
emit bind-lone "$(dev_facts "$LONE")"
# 2b. (real kernel only: the simulator has no device to open) a real QEMU takes the device
if [ "$MODE" = real ]; then
    vm_open "$LONE"
    emit vfio-qemu "$VM_FACTS"
fi
cli unbind "$LONE" --json
emit unbind-lone "$(dev_facts "$LONE")"

# 3. one device of the shared group: the plan brings the other one along
cli plan "$SHARED_A" --target vfio-pci --json
emit plan-shared "{\"$SHARED_A\":$(dev_facts "$SHARED_A"),\"$SHARED_B\":$(dev_facts "$SHARED_B"),\"$BRIDGE\":$(dev_facts "$BRIDGE")}"

# 4. an e1000e interface that is up: the plan warns
ifc=$(net_names "$NETDEV" | head -n1)
if [ -n "$ifc" ]; then
    if [ "$MODE" = real ]; then
        ip link set dev "$ifc" up
        i=0; while [ $i -lt 30 ] && [ "$(rd "$S/devices/$NETDEV/net/$ifc/operstate")" != up ]; do sleep 0.1; i=$((i+1)); done
    else
        # the simulated node's `ip link set` (operstate and flags as the kernel shows them)
        # shellcheck disable=SC2086
        "$CLI_BIN" $CLI_ARGS sim link "$ifc" up > /dev/null 2> "$TMP/err" || cat "$TMP/err" >&2
    fi
fi
emit net-up "{\"interface\":$(jnull_or_str "$ifc"),\"net\":$(net_facts "$NETDEV")}"
cli plan "$NETDEV" --target vfio-pci --json
emit plan-netup "$(dev_facts "$NETDEV")"

# 5. SR-IOV: two VFs on the NVMe PF, one of them to vfio-pci.  --no-autoprobe: QEMU's VFs are
#    offline secondary controllers, so nvme's probe of a VF fails asynchronously seconds later
#    (the VF ends up driverless at a moment that depends on timing); without autoprobe the VFs
#    come up without a driver, deterministically, on the kernel and on the simulator.
cli sriov "$NVME" --vfs 2 --no-autoprobe --json
vfs=$(virtfns "$NVME")
vf_facts='{'; first=1
for v in $vfs; do [ $first = 1 ] || vf_facts="$vf_facts,"; first=0; vf_facts="$vf_facts\"$v\":$(dev_facts "$v")"; done
vf_facts="$vf_facts}"
emit sriov-enable "{\"numvfs\":$(jnull_or_num "$(rd "$S/devices/$NVME/sriov_numvfs")"),\"virtfns\":$(list_json $vfs),\"vfs\":$vf_facts}"
VF0=$(echo "$vfs" | head -n1)
[ -n "$VF0" ] || VF0=0000:03:00.1
cli bind "$VF0" --json
emit bind-vf "{\"address\":\"$VF0\",\"physfn\":$(jnull_or_str "$(link_base "$S/devices/$VF0/physfn")"),\"dev\":$(dev_facts "$VF0")}"

# 6. each errno row of DESIGN §3.2, reached on purpose with one write each
#    (SHARED_A is bound to e1000 throughout)
cli sysfs-write "sys/bus/pci/drivers/vfio-pci/bind" "$SHARED_A" --json
emit errno-bind-no-override "$(dev_facts "$SHARED_A")"
cli sysfs-write "sys/bus/pci/devices/$SHARED_A/driver_override" vfio-pci --json
emit errno-set-override "$(dev_facts "$SHARED_A")"
cli sysfs-write "sys/bus/pci/drivers/vfio-pci/bind" "$SHARED_A" --json
emit errno-bind-while-bound "$(dev_facts "$SHARED_A")"
cli sysfs-write "sys/bus/pci/devices/$SHARED_A/driver_override" "$NL" --json
emit errno-clear-override "$(dev_facts "$SHARED_A")"
cli sysfs-write "sys/bus/pci/drivers/vfio-pci/unbind" "$SHARED_A" --json
emit errno-unbind-not-bound "$(dev_facts "$SHARED_A")"
cli sysfs-write "sys/bus/pci/drivers_probe" "$UNKNOWN" --json
emit errno-probe-unknown "{\"exists\":$([ -e "$S/devices/$UNKNOWN" ] && echo true || echo false)}"
long=$(awk 'BEGIN { s = "x"; while (length(s) < 4200) s = s s; print substr(s, 1, 4200) }')
cli sysfs-write "sys/bus/pci/devices/$SHARED_B/driver_override" "$long" --json
emit errno-override-4k "$(dev_facts "$SHARED_B")"
cli sysfs-write "sys/bus/pci/devices/$NVME/sriov_numvfs" 1 --json
emit errno-sriov-change "{\"numvfs\":$(jnull_or_num "$(rd "$S/devices/$NVME/sriov_numvfs")")}"
exit 0
