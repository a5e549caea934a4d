#!/usr/bin/env python3
"""compare.py — strict parser, checker and comparator of the real-kernel test.

  compare.py check REAL_RESULTS [--sim SIM_RESULTS]
      Parses the PDK result stream(s) strictly, checks each run against what a 6.1 kernel does
      (docs/binding.md, the CLI contract) and, with --sim, compares the observable results of the
      simulator run with the real-kernel run step by step.  Exit 0 when all agree, 1 otherwise;
      every failure is printed as "FAIL [<step>] <what>".
  compare.py machine REAL_RESULTS
      Prints the QEMU machine as the real kernel showed it, as a simulated-node description
      (the JSON format of backend/sim/SimHostDescription): tests/kernel/machine.json.

A result stream is: "PDK-BEGIN ..." / "PDK-RESULT <step> <json>"... / "PDK-INFO ..." / "PDK-END ...".
Any other line between BEGIN and END, any line outside them, a malformed or duplicate result,
a missing step or a missing END fails, naming the line.
"""
import json
import re
import sys

LONE, BRIDGE, SHARED_A, SHARED_B = "0000:00:02.0", "0000:00:03.0", "0000:01:01.0", "0000:01:02.0"
NETDEV, NVME = "0000:02:00.0", "0000:03:00.0"

STEPS = ["inventory", "plan-lone", "bind-lone", "unbind-lone", "plan-shared", "net-up", "plan-netup",
         "sriov-enable", "bind-vf", "errno-bind-no-override", "errno-set-override",
         "errno-bind-while-bound", "errno-clear-override", "errno-unbind-not-bound",
         "errno-probe-unknown", "errno-override-4k", "errno-sriov-change"]
# Steps of the real kernel only (the simulator has nothing to run them against): a real QEMU
# opens the lone e1000 through vfio-pci while Passdeck has it bound (after bind-lone).
REAL_ONLY_STEPS = ["vfio-qemu"]
REAL_STEPS = STEPS[:3] + REAL_ONLY_STEPS + STEPS[3:]
VFIO_IDS = (0x8086, 0x100e)  # the e1000 the guest's QEMU must list in query-pci
# docs/binding.md: errno seen on a real 6.1 kernel (None: the write succeeds)
ERRNO_ROWS = {
    "errno-bind-no-override": "ENODEV", "errno-set-override": None, "errno-bind-while-bound": "EBUSY",
    "errno-clear-override": None, "errno-unbind-not-bound": "ENODEV", "errno-probe-unknown": "ENODEV",
    "errno-override-4k": "EINVAL", "errno-sriov-change": "EBUSY",
}
ERRNO_NUM = {"ENODEV": 19, "EBUSY": 16, "EINVAL": 22, None: 0}
STEP_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class Failures:
    def __init__(self):
        self.items = []

    def add(self, step, msg):
        self.items.append(f"FAIL [{step}] {msg}")


def parse_stream(path, label, fails, steps=STEPS):
    """-> dict step -> record, or None when the stream is unusable.  steps: the steps the stream
    must hold (the real kernel's has REAL_STEPS, the simulator's STEPS)."""
    try:
        with open(path, "rb") as f:
            raw = f.read().decode("utf-8", errors="replace")
    except OSError as e:
        fails.add("stream", f"{label}: cannot read {path}: {e}")
        return None
    lines = raw.replace("\r", "").split("\n")
    results, state = {}, "before"
    for n, line in enumerate(lines, 1):
        where = f"{label} line {n}"
        if state == "before":
            if line.startswith("PDK-BEGIN"):
                state = "in"
            elif line.strip():
                fails.add("stream", f"{where}: unexpected line before PDK-BEGIN: {line[:200]!r}")
            continue
        if state == "after":
            if line.strip():
                fails.add("stream", f"{where}: unexpected line after PDK-END: {line[:200]!r}")
            continue
        if line.startswith("PDK-END"):
            state = "after"
            continue
        if line.startswith("PDK-INFO "):
            m = re.match(r"^PDK-INFO scenario-exit (\d+)$", line)
            if m and m.group(1) != "0":
                fails.add("stream", f"{where}: the scenario script exited {m.group(1)}")
            elif not m:
                fails.add("stream", f"{where}: unknown PDK-INFO line: {line[:200]!r}")
            continue
        parts = line.split(" ", 2)
        if len(parts) != 3 or parts[0] != "PDK-RESULT" or not STEP_RE.match(parts[1]):
            fails.add("stream", f"{where}: not a PDK-RESULT line: {line[:200]!r}")
            continue
        step = parts[1]
        try:
            rec = json.loads(parts[2])
        except ValueError as e:
            fails.add(step, f"{where}: malformed JSON ({e}): {parts[2][:200]!r}")
            continue
        if not isinstance(rec, dict) or set(rec) != {"rc", "stdout", "stderr", "facts"}:
            fails.add(step, f"{where}: record keys must be rc, stdout, stderr, facts")
            continue
        if step in results:
            fails.add(step, f"{where}: duplicate result")
            continue
        if step not in steps:
            fails.add(step, f"{where}: unknown step" + (" (a real-kernel-only step)" if step in REAL_STEPS else ""))
            continue
        results[step] = rec
    if state == "before":
        fails.add("stream", f"{label}: no PDK-BEGIN (the guest/scenario did not start)")
        return None
    if state == "in":
        fails.add("stream", f"{label}: no PDK-END (the guest/scenario stopped early)")
    for s in steps:
        if s not in results:
            fails.add(s, f"{label}: missing result")
    return results


def cli_json(rec, step, label, fails, want_type):
    """The CLI's stdout of a step, parsed; None (and a failure) when it is not the JSON wanted."""
    if rec.get("rc") is None:
        return None
    out = rec.get("stdout") or ""
    try:
        v = json.loads(out)
    except ValueError:
        fails.add(step, f"{label}: passdeck-cli exited {rec['rc']} without JSON on stdout" + _stderr_tail(rec))
        return None
    if not isinstance(v, want_type):
        fails.add(step, f"{label}: passdeck-cli printed {type(v).__name__}, wanted {want_type.__name__}")
        return None
    return v


def hexnum(v):
    if v is None:
        return None
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    try:
        return int(str(v), 16)
    except ValueError:
        return None


def intnum(v):
    if v is None or isinstance(v, bool):
        return None
    try:
        return int(v)
    except (TypeError, ValueError):
        return None


def finding_codes(plan, device=None):
    return sorted({f.get("code") for f in plan.get("findings", []) or []
                   if isinstance(f, dict) and (device is None or f.get("device") == device)})


def outcome_driver(res, addr):
    for d in res.get("devices", []) or []:
        if isinstance(d, dict) and d.get("address") == addr:
            return d.get("driver")
    return "<absent>"


# ---- checks of one run against the kernel's behaviour ---------------------------------------------
def check_run(R, label, fails):
    def need(step, cond, msg):
        if not cond:
            fails.add(step, f"{label}: {msg}")
        return cond

    def rc_is(step, want):
        rec = R.get(step)
        return rec is not None and need(step, rec["rc"] == want,
                                        f"passdeck-cli exit {rec['rc']}, wanted {want}"
                                        + _stderr_tail(rec))

    # inventory: Passdeck vs the kernel's own sysfs, same boot
    rec = R.get("inventory")
    if rec:
        facts = rec["facts"]
        rc_is("inventory", 0)
        devs = cli_json(rec, "inventory", label, fails, list)
        if devs is not None:
            by = {d.get("address"): d for d in devs if isinstance(d, dict)}
            need("inventory", set(by) == set(facts),
                 f"device sets differ: only passdeck {sorted(set(by) - set(facts))}, "
                 f"only sysfs {sorted(set(facts) - set(by))}")
            for a in sorted(set(by) & set(facts)):
                d, f = by[a], facts[a]
                for key, fkey in (("vendor_id", "vendor"), ("device_id", "device"),
                                  ("subsystem_vendor_id", "subsystem_vendor"),
                                  ("subsystem_device_id", "subsystem_device"), ("revision", "revision")):
                    if f.get(fkey) is not None:
                        need("inventory", hexnum(d.get(key)) == hexnum(f[fkey]),
                             f"{a} {key}: passdeck {d.get(key)!r}, sysfs {f[fkey]!r}")
                c, fc = hexnum(d.get("class_id")), hexnum(f.get("class"))
                need("inventory", c is not None and (c == fc or c == fc >> 8),
                     f"{a} class_id: passdeck {d.get('class_id')!r}, sysfs {f.get('class')!r}")
                need("inventory", d.get("driver") == f.get("driver"),
                     f"{a} driver: passdeck {d.get('driver')!r}, sysfs {f.get('driver')!r}")
                need("inventory", d.get("iommu_group") == f.get("iommu_group"),
                     f"{a} iommu_group: passdeck {d.get('iommu_group')!r}, sysfs {f.get('iommu_group')!r}")
                members = sorted(x for x in facts if facts[x].get("iommu_group") == f.get("iommu_group")) \
                    if f.get("iommu_group") is not None else []
                need("inventory", sorted(d.get("iommu_group_members") or []) == members,
                     f"{a} iommu_group_members: passdeck {d.get('iommu_group_members')!r}, sysfs {members}")
                need("inventory", intnum(d.get("sriov_totalvfs")) == f.get("sriov_totalvfs"),
                     f"{a} sriov_totalvfs: passdeck {d.get('sriov_totalvfs')!r}, sysfs {f.get('sriov_totalvfs')!r}")
                need("inventory", d.get("physfn") == f.get("physfn"),
                     f"{a} physfn: passdeck {d.get('physfn')!r}, sysfs {f.get('physfn')!r}")
                if f.get("reset_method") is not None:
                    need("inventory", list(d.get("reset_methods") or []) == f["reset_method"].split(),
                         f"{a} reset_methods: passdeck {d.get('reset_methods')!r}, sysfs {f['reset_method']!r}")
                fn = sorted((n["name"], n.get("operstate")) for n in f.get("net", []))
                dn = sorted((n.get("name"), n.get("operstate")) for n in (d.get("net") or []) if isinstance(n, dict))
                need("inventory", dn == fn, f"{a} net (name, operstate): passdeck {dn}, sysfs {fn}")
                numa = intnum(f.get("numa_node"))
                need("inventory", d.get("numa_node") == (numa if numa is not None and numa >= 0 else None),
                     f"{a} numa_node: passdeck {d.get('numa_node')!r}, sysfs {f.get('numa_node')!r}")
                need("inventory", intnum(d.get("sriov_numvfs")) == f.get("sriov_numvfs"),
                     f"{a} sriov_numvfs: passdeck {d.get('sriov_numvfs')!r}, sysfs {f.get('sriov_numvfs')!r}")
                need("inventory", (d.get("nvme") or [None])[0] == f.get("nvme"),
                     f"{a} nvme: passdeck {d.get('nvme')!r}, sysfs {f.get('nvme')!r}")
            need("inventory", by.get(BRIDGE, {}).get("is_bridge") is True, f"{BRIDGE} is_bridge not true")
            need("inventory", by.get(LONE, {}).get("is_bridge") is False, f"{LONE} is_bridge not false")
            need("inventory", facts.get(LONE, {}).get("driver") == "e1000", f"{LONE} not on e1000 at start")

    rec = R.get("plan-lone")
    if rec and rc_is("plan-lone", 0):
        p = cli_json(rec, "plan-lone", label, fails, dict)
        if p is not None:
            need("plan-lone", p.get("devices") == [LONE], f"devices {p.get('devices')!r}, wanted [{LONE}]")
            need("plan-lone", p.get("added") == [], f"added {p.get('added')!r}, wanted []")
            blockers = [f.get("code") for f in p.get("findings") or [] if f.get("severity") == "blocker"]
            need("plan-lone", not blockers, f"blockers {blockers}")
            need("plan-lone", any(w.get("path") == f"sys/bus/pci/devices/{LONE}/driver_override"
                                  for w in p.get("writes") or []), "no driver_override write")

    for step, addr, want in (("bind-lone", LONE, "vfio-pci"), ("unbind-lone", LONE, "e1000"),
                             ("bind-vf", None, "vfio-pci")):
        rec = R.get(step)
        if not rec:
            continue
        facts = rec["facts"]["dev"] if step == "bind-vf" else rec["facts"]
        a = rec["facts"].get("address") if step == "bind-vf" else addr
        need(step, facts.get("driver") == want, f"sysfs: {a} driver {facts.get('driver')!r}, wanted {want!r}")
        need(step, facts.get("dev_vfio") is (want == "vfio-pci"),
             f"sysfs: /dev/vfio/{facts.get('iommu_group')} exists={facts.get('dev_vfio')}, wanted {want == 'vfio-pci'}")
        need(step, facts.get("driver_override") in (None, "vfio-pci") if want == "vfio-pci"
             else facts.get("driver_override") is None,
             f"sysfs: driver_override {facts.get('driver_override')!r} left behind")
        if rc_is(step, 0):
            r = cli_json(rec, step, label, fails, dict)
            if r is not None:
                need(step, r.get("ok") is True and r.get("error") is None, f"ok={r.get('ok')!r} error={r.get('error')!r}")
                need(step, outcome_driver(r, a) == want, f"reported driver {outcome_driver(r, a)!r}, wanted {want!r}")
                need(step, r.get("reboot_required") is False, f"reboot_required {r.get('reboot_required')!r}")
    if R.get("bind-vf"):
        need("bind-vf", R["bind-vf"]["facts"].get("physfn") == NVME, "the bound VF is not a VF of the NVMe PF")

    rec = R.get("plan-shared")
    if rec:
        f = rec["facts"]
        need("plan-shared", f[SHARED_A]["iommu_group"] is not None and
             f[SHARED_A]["iommu_group"] == f[SHARED_B]["iommu_group"], f"sysfs: {SHARED_A}/{SHARED_B} not in one group")
        if rc_is("plan-shared", 0):
            p = cli_json(rec, "plan-shared", label, fails, dict)
            if p is not None:
                need("plan-shared", sorted(p.get("devices") or []) == [SHARED_A, SHARED_B],
                     f"devices {p.get('devices')!r}, wanted [{SHARED_A}, {SHARED_B}] (bridges don't count)")
                need("plan-shared", p.get("added") == [SHARED_B], f"added {p.get('added')!r}, wanted [{SHARED_B}]")

    rec = R.get("net-up")
    if rec:
        nets = rec["facts"].get("net") or []
        need("net-up", rec["facts"].get("interface") and any(n.get("operstate") == "up" for n in nets),
             f"sysfs: no interface of {NETDEV} is up: {nets!r}")
    rec = R.get("plan-netup")
    if rec and rc_is("plan-netup", 0):
        p = cli_json(rec, "plan-netup", label, fails, dict)
        if p is not None:
            need("plan-netup", "net-up" in finding_codes(p, NETDEV),
                 f"no 'net-up' finding for {NETDEV}: {finding_codes(p)}")

    rec = R.get("sriov-enable")
    if rec:
        f = rec["facts"]
        need("sriov-enable", f.get("numvfs") == 2, f"sysfs: sriov_numvfs {f.get('numvfs')!r}, wanted 2")
        if rc_is("sriov-enable", 0):
            r = cli_json(rec, "sriov-enable", label, fails, dict)
            if r is not None:
                need("sriov-enable", r.get("ok") is True and r.get("numvfs") == 2,
                     f"ok={r.get('ok')!r} numvfs={r.get('numvfs')!r}")
                need("sriov-enable", r.get("vfs") == f.get("virtfns"),
                     f"vfs {r.get('vfs')!r}, sysfs virtfn* {f.get('virtfns')!r}")

    for step, want in ERRNO_ROWS.items():
        rec = R.get(step)
        if rec and rc_is(step, 0):
            r = cli_json(rec, step, label, fails, dict)
            if r is not None:
                need(step, r.get("errno_name") == want and r.get("errno") == ERRNO_NUM[want],
                     f"errno {r.get('errno')!r} ({r.get('errno_name')!r}), wanted {ERRNO_NUM[want]} ({want})")
    for step, key, want in (("errno-set-override", "driver_override", "vfio-pci"),
                            ("errno-bind-while-bound", "driver", "e1000"),
                            ("errno-clear-override", "driver_override", None),
                            ("errno-override-4k", "driver_override", None)):
        rec = R.get(step)
        if rec:
            need(step, rec["facts"].get(key) == want, f"sysfs: {key} {rec['facts'].get(key)!r}, wanted {want!r}")
    rec = R.get("errno-sriov-change")
    if rec:
        need("errno-sriov-change", rec["facts"].get("numvfs") == 2, f"sysfs: numvfs {rec['facts'].get('numvfs')!r}, wanted 2")
    check_vm(R, label, fails)


def pci_devices(devices):
    """The devices of query-pci's answer, behind bridges too."""
    out = []
    for d in devices if isinstance(devices, list) else []:
        if isinstance(d, dict):
            out.append(d)
            if isinstance(d.get("pci_bridge"), dict):
                out += pci_devices(d["pci_bridge"].get("devices"))
    return out


def check_vm(R, label, fails):
    """vfio-qemu: the guest's own QEMU held the device's IOMMU group, listed the device with its
    own ids over QMP, quit cleanly, and left the device on vfio-pci for Passdeck to give back."""
    step = "vfio-qemu"
    rec = R.get(step)
    if not rec:
        return

    def need(cond, msg):
        if not cond:
            fails.add(step, f"{label}: {msg}")
        return cond
    f = rec["facts"] if isinstance(rec["facts"], dict) else {}
    need(rec["rc"] == 0, f"QEMU exit {rec['rc']}, wanted 0 (quit over QMP)" + _stderr_tail(rec))
    need(f.get("address") == LONE, f"address {f.get('address')!r}, wanted {LONE}")
    need(f.get("driver_during") == "vfio-pci", f"sysfs: driver while QEMU ran {f.get('driver_during')!r}, wanted 'vfio-pci'")
    g = f.get("iommu_group")
    held = f.get("held") or []
    need(g is not None and "/dev/vfio/vfio" in held and f"/dev/vfio/{g}" in held,
         f"QEMU's open files under /dev/vfio {held}, wanted /dev/vfio/vfio and /dev/vfio/{g}")
    msgs = []
    for n, line in enumerate((rec["stdout"] or "").splitlines(), 1):
        if not line.strip():
            continue
        try:
            m = json.loads(line)
        except ValueError:
            fails.add(step, f"{label}: QMP line {n} is not JSON: {line[:160]!r}")
            continue
        if isinstance(m, dict):
            msgs.append(m)
    need(bool(msgs) and "QMP" in msgs[0], "no QMP greeting from QEMU" + _stderr_tail(rec))
    answers = [m for m in msgs if "return" in m or "error" in m]
    if need(len(answers) >= 3 and all("return" in a for a in answers[:3]),
            f"QMP answers to qmp_capabilities, query-pci, quit: {json.dumps(answers)[:240]}" + _stderr_tail(rec)):
        buses = answers[1]["return"] if isinstance(answers[1]["return"], list) else []
        devs = [d for bus in buses if isinstance(bus, dict)
                for d in pci_devices(bus.get("devices")) if d.get("qdev_id") == "pdk-vfio"]
        if need(len(devs) == 1, f"query-pci lists {len(devs)} devices with id pdk-vfio, wanted 1"):
            ids = devs[0].get("id") or {}
            need((ids.get("vendor"), ids.get("device")) == VFIO_IDS,
                 f"query-pci: pdk-vfio has ids {ids.get('vendor')!r}:{ids.get('device')!r}, "
                 f"wanted {VFIO_IDS[0]:#06x}:{VFIO_IDS[1]:#06x} (the e1000 itself, read through VFIO)")
    need(any(m.get("event") == "SHUTDOWN" and (m.get("data") or {}).get("reason") == "host-qmp-quit" for m in msgs),
         "no SHUTDOWN event for the QMP quit")
    a = f.get("after") or {}
    need(a.get("driver") == "vfio-pci" and a.get("dev_vfio") is True,
         f"sysfs after QEMU quit: driver {a.get('driver')!r}, /dev/vfio/{g} exists={a.get('dev_vfio')}, "
         "wanted vfio-pci and true (unbind-lone gives it back)")


def _stderr_tail(rec):
    err = [x for x in (rec.get("stderr") or "").strip().splitlines() if x.strip()]
    if not err:
        return ""
    said = [x for x in err if not x.startswith("Try ")] or err
    return f" (stderr: {' | '.join(said[:2])[:240]})"


# ---- the observable results of a step, for real vs simulator ------------------------------------
def observables(step, rec):
    """Everything of a step that must be the same on the real kernel and the simulator: the CLI's
    exit code, its whole JSON output (both runs use the same binary, so any difference comes from
    what it found on the node) and every sysfs fact the scenario read itself.  Only stderr is left
    out: warnings may name the host root, which differs ("/" vs the simulated node's directory)."""
    out = {"rc": rec["rc"], "sysfs": rec["facts"]}
    if rec["stdout"] is not None:
        try:
            out["passdeck"] = json.loads(rec["stdout"]) if rec["stdout"] else None
        except ValueError:
            out["passdeck"] = "<not JSON>"
    if step == "inventory" and isinstance(out.get("passdeck"), list):
        # keyed by address, so that a difference names the device and the field
        out["passdeck"] = {d.get("address"): d for d in out["passdeck"] if isinstance(d, dict)}
    return out


def diff(a, b, path=""):
    """-> list of 'path: real X, simulator Y'."""
    if isinstance(a, dict) and isinstance(b, dict):
        res = []
        for k in sorted(set(a) | set(b), key=str):
            if k not in a:
                res.append(f"{path}{k}: only in the simulator ({json.dumps(b[k])[:120]})")
            elif k not in b:
                res.append(f"{path}{k}: missing in the simulator (real {json.dumps(a[k])[:120]})")
            else:
                res += diff(a[k], b[k], f"{path}{k}.")
        return res
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b) \
            and any(isinstance(x, (dict, list)) for x in a + b):
        res = []
        for i, (x, y) in enumerate(zip(a, b)):
            res += diff(x, y, f"{path}{i}.")
        return res
    if a != b:
        return [f"{path.rstrip('.')}: real {json.dumps(a)[:160]}, simulator {json.dumps(b)[:160]}"]
    return []


def machine(R):
    """The QEMU machine as a simulated-node description (backend/sim/SimHostDescription, flat form)."""
    inv = R["inventory"]["facts"]
    def hx(v, digits):
        n = hexnum(v)
        return None if n is None else f"{n:0{digits}x}"

    devices = []
    for a in sorted(inv):
        d = inv[a]
        if d.get("physfn"):
            continue  # VFs appear when sriov_numvfs is written
        e = {"address": a}
        if d.get("parent"):
            e["parent"] = d["parent"]
        e["vendor"], e["device"], e["class"] = hx(d["vendor"], 4), hx(d["device"], 4), hx(d["class"], 6)
        for k in ("subsystem_vendor", "subsystem_device"):
            if d.get(k) is not None:
                e[k] = hx(d[k], 4)
        if d.get("revision") is not None:
            e["revision"] = hx(d["revision"], 2)
        if d.get("driver"):
            e["driver"] = d["driver"]
        e["iommu_group"] = d.get("iommu_group")
        if intnum(d.get("numa_node")) is not None:
            e["numa_node"] = intnum(d.get("numa_node"))
        e["reset_methods"] = (d.get("reset_method") or "").split()
        if d.get("net"):
            e["net"] = [{"name": n["name"], "operstate": n["operstate"], "mac": n.get("mac")} for n in d["net"]]
        if d.get("nvme"):
            e["nvme"] = {"controller": d["nvme"], "namespaces": []}
        if d.get("sriov_totalvfs"):
            e["sriov"] = {"totalvfs": d["sriov_totalvfs"], "numvfs": d.get("sriov_numvfs") or 0,
                          "vf_device": hx(d.get("sriov_vf_device"), 4), "offset": d.get("sriov_offset"),
                          "stride": d.get("sriov_stride"),
                          # the VFs match the PF's driver (QEMU's nvme VF has the PF's ids); the
                          # scenario enables them without autoprobe, so they start driverless
                          "vf_driver": d.get("driver"),
                          "autoprobe": True}
            if e["sriov"]["vf_driver"] is None:
                del e["sriov"]["vf_driver"]
        devices.append(e)
    return {"node": "kernel-test-q35",
            "iommu": True,
            "vfio_pci_loaded": True,
            "cmdline": "console=ttyS0 intel_iommu=on iommu=pt panic=-1 quiet",
            "cpulist": "0-1",
            "mounts": ["rootfs / rootfs rw 0 0", "proc /proc proc rw,relatime 0 0",
                       "sysfs /sys sysfs rw,relatime 0 0", "devtmpfs /dev devtmpfs rw,relatime 0 0",
                       "tmpfs /tmp tmpfs rw,relatime 0 0", "tmpfs /run tmpfs rw,relatime 0 0",
                       "tmpfs /root tmpfs rw,relatime 0 0"],
            "devices": devices}


def main(argv):
    if len(argv) >= 2 and argv[0] == "machine":
        fails = Failures()
        R = parse_stream(argv[1], "real", fails, REAL_STEPS)
        if R is None or "inventory" not in R or "sriov-enable" not in R:
            print("\n".join(fails.items), file=sys.stderr)
            return 1
        json.dump(machine(R), sys.stdout, indent=2)
        print()
        return 0
    if len(argv) not in (2, 4) or argv[0] != "check" or (len(argv) == 4 and argv[2] != "--sim"):
        print(__doc__, file=sys.stderr)
        return 2
    fails = Failures()
    R = parse_stream(argv[1], "real", fails, REAL_STEPS)
    if R is not None:
        check_run(R, "real kernel", fails)
    S = None
    if len(argv) == 4:
        S = parse_stream(argv[3], "simulator", fails)
        if S is not None:
            check_run(S, "simulator", fails)
        if R is not None and S is not None:
            for step in STEPS:
                if step in R and step in S:
                    for d in diff(observables(step, R[step]), observables(step, S[step])):
                        fails.add(step, f"real vs simulator: {d}")
    for line in fails.items:
        print(line)
    steps_failed = {re.match(r"FAIL \[([^\]]+)\]", x).group(1) for x in fails.items}
    n_ok = len([s for s in REAL_STEPS if s not in steps_failed])
    if len(argv) == 2:
        print("kernel-test: real kernel only (no simulator run compared)")
    print(f"kernel-test: {n_ok} passed, {len(REAL_STEPS) - n_ok} failed")
    return 1 if fails.items else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
