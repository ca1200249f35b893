#!/usr/bin/env python3
"""Summarises a JFR recording of a benchmark fork, as used in docs/benchmarks.md.

  jfr-summary.py samples RECORDING [N]   execution samples per thread group: top self frames and the N
                                         methods most often on the stack (inclusive share)
  jfr-summary.py parks RECORDING         thread parks (jdk.ThreadPark events above the recording's
                                         threshold) by thread, parked-on class and call site

Thread names ending in -<number> are grouped (carrier-1 and carrier-2 count as carrier-N); virtual threads
are shown as "virtual:<name>". Needs the JDK's `jfr` tool: $JAVA_HOME/bin/jfr, or jfr on the PATH.
"""
import collections
import json
import os
import re
import shutil
import subprocess
import sys


def events(recording, event_type, depth):
    jfr = os.path.join(os.environ["JAVA_HOME"], "bin", "jfr") if "JAVA_HOME" in os.environ else shutil.which("jfr")
    out = subprocess.run([jfr, "print", "--json", "--stack-depth", str(depth), "--events", event_type, recording],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)["recording"]["events"]


def thread_name(values):
    thread = values.get("sampledThread") or values.get("eventThread") or {}
    name = re.sub(r"-\d+$", "-N", thread.get("javaName") or thread.get("osName") or "?")
    return "virtual:" + name if thread.get("virtual") else name


def frames(values):
    stack = values.get("stackTrace") or {"frames": []}
    return [f["method"]["type"]["name"].replace("/", ".") + "." + f["method"]["name"] for f in stack["frames"]]


def samples(recording, top):
    data = events(recording, "jdk.ExecutionSample", 64)
    by_thread = collections.defaultdict(list)
    for e in data:
        by_thread[thread_name(e["values"])].append(frames(e["values"]))
    print(f"{len(data)} execution samples")
    for thread, stacks in sorted(by_thread.items(), key=lambda kv: -len(kv[1])):
        n = len(stacks)
        print(f"\n== {thread}: {n} samples ({100 * n / len(data):.1f}%)")
        print("  self (top frame):")
        for method, c in collections.Counter(s[0] if s else "?" for s in stacks).most_common(12):
            print(f"   {c:6d} {100 * c / n:5.1f}%  {method}")
        inclusive = collections.Counter(m for s in stacks for m in set(s))
        print("  inclusive (on the stack):")
        for method, c in inclusive.most_common(top):
            print(f"   {c:6d} {100 * c / n:5.1f}%  {method}")


def seconds(iso):
    m = re.match(r"PT(?:(\d+)H)?(?:(\d+)M)?([\d.]+)S", iso)
    return int(m.group(1) or 0) * 3600 + int(m.group(2) or 0) * 60 + float(m.group(3)) if m else 0.0


def parks(recording):
    data = events(recording, "jdk.ThreadPark", 12)
    totals = collections.defaultdict(lambda: [0, 0.0])
    for e in data:
        v = e["values"]
        parked = (v.get("parkedClass") or {}).get("name", "?").replace("/", ".")
        site = " < ".join(".".join(f.rsplit(".", 2)[-2:]) for f in frames(v)[1:5])  # Class.method, innermost first
        t = totals[(thread_name(v), parked, site)]
        t[0] += 1
        t[1] += seconds(v["duration"])
    print(f"{len(data)} park events")
    print(f"{'count':>7} {'total ms':>10}  thread | parked on | call site")
    for (thread, parked, site), (count, total) in sorted(totals.items(), key=lambda kv: -kv[1][1])[:20]:
        print(f"{count:7d} {total * 1000:10.1f}  {thread} | {parked} | {site}")


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] not in ("samples", "parks"):
        sys.exit(__doc__)
    if sys.argv[1] == "samples":
        samples(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 25)
    else:
        parks(sys.argv[2])
