#!/usr/bin/env python3
"""Self-test of compare.py: a consistent pair of synthetic result streams passes; each kind of
damage (unknown line, malformed JSON, missing step, missing PDK-END, a kernel-behaviour
difference, a real-vs-simulator difference in a driver, an errno, group membership, an inventory
field or an exit code) fails and names its step; so does each way the real-kernel-only vfio-qemu
step can go wrong (device missing from query-pci, wrong ids, group not held, QEMU's exit code, the
step missing, or the step in the simulator's stream).  No QEMU needed."""
import copy
import io
import json
import os
import sys
import tempfile
from contextlib import redirect_stdout

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402

A = compare


def dev(driver, group, override=None, vfio=False):
    return {"driver": driver, "driver_override": override, "iommu_group": group, "dev_vfio": vfio}


def inv_fact(vendor, device, cls, driver, group, parent=None, physfn=None, net=(), totalvfs=None, reset=None):
    return {"vendor": vendor, "device": device, "subsystem_vendor": "0x1af4", "subsystem_device": "0x1100",
            "revision": "0x03", "numa_node": "-1", "sriov_vf_device": None, "sriov_offset": None,
            "sriov_stride": None, "class": cls, "driver": driver, "iommu_group": group, "reset_method": reset,
            "sriov_totalvfs": totalvfs, "sriov_numvfs": 0 if totalvfs else None, "parent": parent, "nvme": None,
            "physfn": physfn, "net": [{"name": n, "mac": None, "operstate": "down", "flags": "0x1002"} for n in net]}


FACTS = {
    A.LONE: inv_fact("0x8086", "0x100e", "0x020000", "e1000", 1, net=["eth0"]),
    A.BRIDGE: inv_fact("0x1b36", "0x000e", "0x060400", None, 2),
    A.SHARED_A: inv_fact("0x8086", "0x100e", "0x020000", "e1000", 2, A.BRIDGE, net=["eth1"], reset="bus"),
    A.SHARED_B: inv_fact("0x8086", "0x100e", "0x020000", "e1000", 2, A.BRIDGE, net=["eth2"]),
    A.NETDEV: inv_fact("0x8086", "0x10d3", "0x020000", "e1000e", 6, net=["eth3"], reset="pm bus"),
    A.NVME: inv_fact("0x1b36", "0x0010", "0x010802", "nvme", 7, totalvfs=2, reset="flr bus"),
}
VF0, VF1 = "0000:03:00.1", "0000:03:00.2"


def cli_inventory():
    out = []
    for a, f in sorted(FACTS.items()):
        members = sorted(x for x in FACTS if FACTS[x]["iommu_group"] == f["iommu_group"])
        out.append({"address": a, "vendor_id": f["vendor"][2:], "device_id": f["device"][2:],
                    "subsystem_vendor_id": "1af4", "subsystem_device_id": "1100", "class_id": f["class"][2:],
                    "revision": "03", "driver": f["driver"], "iommu_group": f["iommu_group"],
                    "is_bridge": a == A.BRIDGE, "reset_methods": (f["reset_method"] or "").split(),
                    "sriov_totalvfs": f["sriov_totalvfs"], "sriov_numvfs": f["sriov_numvfs"], "physfn": None,
                    "numa_node": None, "nvme": [],
                    "net": [{"name": n["name"], "operstate": "down"} for n in f["net"]],
                    "iommu_group_members": members})
    return out


def plan(devices, added, findings=()):
    return {"target": "vfio-pci", "devices": devices, "added": added,
            "writes": [{"path": f"sys/bus/pci/devices/{d}/driver_override", "value": "vfio-pci"} for d in devices],
            "findings": [{"severity": s, "code": c, "device": d, "message": "m"} for s, c, d in findings]}


def bound(addr, orig, drv):
    return {"ok": True, "devices": [{"address": addr, "original_driver": orig, "driver": drv}],
            "reboot_required": False, "error": None, "findings": []}


def sw(path, name):
    return {"path": path, "value": "v", "errno": A.ERRNO_NUM[name], "errno_name": name}


def qmp_transcript(vendor=0x8086, device=0x100e, qdev_id="pdk-vfio"):
    """What the guest's QEMU prints on its QMP stdio for qmp_capabilities, query-pci, quit."""
    host = {"bus": 0, "slot": 0, "function": 0, "qdev_id": "", "id": {"vendor": 0x8086, "device": 0x29c0},
            "class_info": {"class": 1536}, "regions": []}
    dev_ = {"bus": 0, "slot": 5, "function": 0, "qdev_id": qdev_id, "id": {"vendor": vendor, "device": device},
            "class_info": {"class": 512}, "regions": []}
    msgs = [{"QMP": {"version": {}, "capabilities": ["oob"]}}, {"return": {}},
            {"return": [{"bus": 0, "devices": [host, dev_]}]},
            {"timestamp": {}, "event": "SHUTDOWN", "data": {"guest": False, "reason": "host-qmp-quit"}},
            {"return": {}}]
    return "\n".join(json.dumps(m) for m in msgs)


def vm_facts(held=("/dev/vfio/1", "/dev/vfio/vfio")):
    return {"address": A.LONE, "iommu_group": 1, "held": list(held), "driver_during": "vfio-pci",
            "after": dev("vfio-pci", 1, "vfio-pci", True)}


def good():
    """The real kernel's results (the simulator's are these without the real-only steps)."""
    r = {}

    def put(step, facts, out=None, rc=0):
        r[step] = {"rc": None if out is None else rc, "stdout": None if out is None else json.dumps(out),
                   "stderr": None if out is None else "", "facts": facts}
    put("inventory", FACTS, cli_inventory())
    put("plan-lone", dev("e1000", 1), plan([A.LONE], []))
    put("bind-lone", dev("vfio-pci", 1, "vfio-pci", True), bound(A.LONE, "e1000", "vfio-pci"))
    r["vfio-qemu"] = {"rc": 0, "stdout": qmp_transcript(), "stderr": "", "facts": vm_facts()}
    put("unbind-lone", dev("e1000", 1), bound(A.LONE, "e1000", "e1000"))
    put("plan-shared", {A.SHARED_A: dev("e1000", 2), A.SHARED_B: dev("e1000", 2), A.BRIDGE: dev(None, 2)},
        plan([A.SHARED_A, A.SHARED_B], [A.SHARED_B]))
    put("net-up", {"interface": "eth3", "net": [{"name": "eth3", "mac": None, "operstate": "up", "flags": "0x1003"}]})
    put("plan-netup", dev("e1000e", 6), plan([A.NETDEV], [], [("warning", "net-up", A.NETDEV)]))
    put("sriov-enable", {"numvfs": 2, "virtfns": [VF0, VF1], "vfs": {VF0: dev("nvme", 8), VF1: dev("nvme", 9)}},
        {"ok": True, "address": A.NVME, "numvfs": 2, "vfs": [VF0, VF1], "error": None})
    put("bind-vf", {"address": VF0, "physfn": A.NVME, "dev": dev("vfio-pci", 8, "vfio-pci", True)},
        bound(VF0, "nvme", "vfio-pci"))
    for step, name in A.ERRNO_ROWS.items():
        facts = dev("e1000", 2, "vfio-pci" if step in ("errno-set-override", "errno-bind-while-bound") else None)
        if step == "errno-probe-unknown":
            facts = {"exists": False}
        if step == "errno-sriov-change":
            facts = {"numvfs": 2}
        put(step, facts, sw("sys/bus/pci/x", name))
    return r


def sim(results):
    return {k: v for k, v in results.items() if k not in A.REAL_ONLY_STEPS}


def stream(results, extra_lines=(), end=True, order=None):
    lines = ["PDK-BEGIN test"]
    for s in order or A.REAL_STEPS:
        if s in results:
            lines.append(f"PDK-RESULT {s} {json.dumps(results[s])}")
    lines += list(extra_lines)
    lines.append("PDK-INFO scenario-exit 0")
    if end:
        lines.append("PDK-END")
    return "\n".join(lines) + "\n"


def run(real_text, sim_text):
    with tempfile.TemporaryDirectory() as d:
        rp, sp = os.path.join(d, "r"), os.path.join(d, "s")
        open(rp, "w").write(real_text)
        open(sp, "w").write(sim_text)
        buf = io.StringIO()
        with redirect_stdout(buf):
            rc = A.main(["check", rp, "--sim", sp])
        return rc, buf.getvalue()


def expect_fail(name, real_text, sim_text, step, words):
    rc, out = run(real_text, sim_text)
    ok = rc == 1 and any(line.startswith(f"FAIL [{step}]") and words in line for line in out.splitlines())
    print(("ok   " if ok else "BAD  ") + name)
    if not ok:
        print(out)
    return ok


def main():
    g = good()
    results = []
    rc, out = run(stream(g), stream(sim(g)))
    results.append(rc == 0)
    print(("ok   " if rc == 0 else "BAD  ") + "consistent streams pass")
    if rc != 0:
        print(out)
    results.append(expect_fail("unknown line", stream(g, ["hello"]), stream(sim(g)), "stream", "not a PDK-RESULT line"))
    bad = stream(g).replace('PDK-RESULT plan-lone {', 'PDK-RESULT plan-lone {{', 1)
    results.append(expect_fail("malformed JSON", bad, stream(g), "plan-lone", "malformed JSON"))
    h = copy.deepcopy(g); del h["bind-vf"]
    results.append(expect_fail("missing step", stream(h), stream(sim(g)), "bind-vf", "missing result"))
    results.append(expect_fail("missing PDK-END", stream(g, end=False), stream(sim(g)), "stream", "no PDK-END"))
    h = copy.deepcopy(g); h["errno-bind-while-bound"]["stdout"] = json.dumps(sw("p", "ENODEV"))
    results.append(expect_fail("wrong errno (kernel table)", stream(h), stream(sim(h)), "errno-bind-while-bound", "wanted 16 (EBUSY)"))
    h = copy.deepcopy(g); h["plan-shared"]["stdout"] = json.dumps(plan([A.SHARED_A], []))
    results.append(expect_fail("group member missing", stream(g), stream(sim(h)), "plan-shared", "simulator"))
    h = copy.deepcopy(g); h["bind-lone"]["facts"]["dev_vfio"] = False
    results.append(expect_fail("no /dev/vfio/N", stream(g), stream(sim(h)), "bind-lone", "/dev/vfio/1"))
    h = copy.deepcopy(g); h["inventory"]["facts"][A.LONE]["iommu_group"] = 9
    results.append(expect_fail("inventory vs sysfs", stream(h), stream(sim(g)), "inventory", "iommu_group"))
    h = copy.deepcopy(g); h["inventory"]["facts"][A.NETDEV]["net"][0]["operstate"] = "up"
    results.append(expect_fail("inventory operstate vs sysfs", stream(h), stream(sim(h)), "inventory", "operstate"))
    h = copy.deepcopy(g); h["plan-netup"]["stdout"] = json.dumps(plan([A.NETDEV], []))
    results.append(expect_fail("no net-up finding", stream(g), stream(sim(h)), "plan-netup", "net-up"))
    # real vs simulator, each observable kind: a driver, an errno, group membership, an inventory field
    h = copy.deepcopy(g); h["bind-vf"]["stdout"] = json.dumps(bound(VF0, "nvme", "nvme"))
    results.append(expect_fail("driver differs", stream(g), stream(sim(h)), "bind-vf",
                               'real vs simulator: passdeck.devices.0.driver: real "vfio-pci", simulator "nvme"'))
    h = copy.deepcopy(g); h["errno-probe-unknown"]["stdout"] = json.dumps(sw("sys/bus/pci/x", "EINVAL"))
    results.append(expect_fail("errno differs", stream(g), stream(sim(h)), "errno-probe-unknown",
                               'real vs simulator: passdeck.errno: real 19, simulator 22'))
    h = copy.deepcopy(g); h["plan-shared"]["facts"][A.SHARED_B]["iommu_group"] = 3
    results.append(expect_fail("group membership differs", stream(g), stream(sim(h)), "plan-shared",
                               f"real vs simulator: sysfs.{A.SHARED_B}.iommu_group: real 2, simulator 3"))
    h = copy.deepcopy(g)
    inv = json.loads(h["inventory"]["stdout"])
    next(d for d in inv if d["address"] == A.NETDEV)["reset_methods"] = ["flr"]
    h["inventory"]["stdout"] = json.dumps(inv)
    results.append(expect_fail("inventory field differs", stream(g), stream(sim(h)), "inventory",
                               f"real vs simulator: passdeck.{A.NETDEV}.reset_methods"))
    h = copy.deepcopy(g); h["errno-sriov-change"]["rc"] = 1
    results.append(expect_fail("exit code differs", stream(g), stream(sim(h)), "errno-sriov-change",
                               "real vs simulator: rc: real 0, simulator 1"))
    # the real-kernel-only step: each way a VM on the bound device can fail, and where it may appear
    def vm_case(name, change, words, real_stream=None):
        h = copy.deepcopy(g)
        change(h["vfio-qemu"])
        return expect_fail(name, real_stream or stream(h), stream(sim(g)), "vfio-qemu", words)
    results.append(vm_case("VM: device not in query-pci",
                           lambda r: r.update(stdout=qmp_transcript(qdev_id="other")), "0 devices with id pdk-vfio"))
    results.append(vm_case("VM: wrong ids in query-pci",
                           lambda r: r.update(stdout=qmp_transcript(device=0x10d3)), "wanted 0x8086:0x100e"))
    results.append(vm_case("VM: group not held",
                           lambda r: r["facts"].update(held=["/dev/vfio/vfio"]), "wanted /dev/vfio/vfio and /dev/vfio/1"))
    results.append(vm_case("VM: QEMU failed", lambda r: r.update(rc=1, stdout="", stderr="vfio: group 1 is not viable"),
                           "QEMU exit 1"))
    results.append(vm_case("VM: device not on vfio-pci afterwards",
                           lambda r: r["facts"].update(after=dev("e1000", 1)), "sysfs after QEMU quit"))
    h = copy.deepcopy(g); del h["vfio-qemu"]
    results.append(expect_fail("VM: step missing", stream(h), stream(sim(g)), "vfio-qemu", "missing result"))
    results.append(expect_fail("VM: step in the simulator's stream", stream(g), stream(g), "vfio-qemu",
                               "a real-kernel-only step"))
    print(f"compare-selftest: {sum(results)} passed, {len(results) - sum(results)} failed")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
