#!/usr/bin/env python3
"""CPU seconds (utime + stime, from /proc) of every process under a root pid (1: all), grouped by what it is.

    cpu-by-process.py snapshot ROOT_PID > before.json
    cpu-by-process.py diff before.json after.json [DIVISOR [UNIT]]

A load run takes a snapshot before and after and prints the difference per process group, divided by DIVISOR (e.g. the
number of requests, to give CPU per request in ms). Processes that started or ended between the two count from zero.
"""
import json
import os
import sys

TICKS = os.sysconf("SC_CLK_TCK")

# The first match names the group (command lines are matched in this order).
GROUPS = [
    ("anvil", "anvil"),
    ("postgres", "PostgreSQL"),
    ("redis-server", "Redis"),
    ("beam.smp", "RabbitMQ"),
    ("rabbitmq", "RabbitMQ"),
    ("erl_child_setup", "RabbitMQ"),
    ("epmd", "RabbitMQ"),
    ("Aspire.Dashboard", "dashboard"),
    ("aspire-dashboard", "dashboard"),
    ("/dcp", "DCP"),
    ("Tokenizer.TokenAdmin", "TokenAdmin"),
    ("Tokenizer.LedgerData", "LedgerData"),
    ("Tokenizer.Monitor", "Monitor"),
    ("Tokenizer.Identity", "Identity"),
    ("Tokenizer.Gateway", "gateway"),
    ("Tokenizer.AppHost", "AppHost"),
    ("selfservice-load.mjs", "load"),
    ("operator-load.mjs", "load"),
]


def children():
    tree = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        tree.setdefault(int(fields[1]), []).append(int(name))
    return tree


def group_of(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            args = f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return None
    for needle, group in GROUPS:
        if needle in args:
            return group
    # Unknown processes by their program (and the .dll a dotnet host runs), so nothing hides in one row.
    words = args.split()
    program = os.path.basename(words[0]) if words else "?"
    if program == "dotnet" and len(words) > 1 and words[1].endswith(".dll"):
        program = os.path.basename(words[1])
    return "other: " + program


def cpu_of(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except OSError:
        return 0.0
    fields = stat[stat.rindex(")") + 2:].split()
    # utime, stime, cutime, cstime: children that were waited for count with their parent.
    return sum(int(x) for x in fields[11:15]) / TICKS


def snapshot(root):
    tree = children()
    seen, todo = {}, [root]
    while todo:
        pid = todo.pop()
        todo.extend(tree.get(pid, []))
        group = group_of(pid)
        if group is not None:
            seen[str(pid)] = {"group": group, "cpu": cpu_of(pid)}
    return seen


def diff(before, after, divisor, unit):
    totals = {}
    for pid, now in after.items():
        was = before.get(pid, {"cpu": 0.0})
        totals[now["group"]] = totals.get(now["group"], 0.0) + now["cpu"] - was["cpu"]
    for pid, was in before.items():
        if pid not in after:
            totals.setdefault(was["group"], 0.0)
    scale = 1000.0 / divisor if divisor != 1 else 1.0
    unit = unit or ("ms per unit" if divisor != 1 else "s")
    print(f"| Process | CPU ({unit}) |\n|---|---:|")
    for group, seconds in sorted(totals.items(), key=lambda kv: -kv[1]):
        print(f"| {group} | {seconds * scale:.1f} |")


if __name__ == "__main__":
    if sys.argv[1] == "snapshot":
        json.dump(snapshot(int(sys.argv[2])), sys.stdout)
    elif sys.argv[1] == "diff":
        with open(sys.argv[2]) as a, open(sys.argv[3]) as b:
            diff(json.load(a), json.load(b), float(sys.argv[4]) if len(sys.argv) > 4 else 1, sys.argv[5] if len(sys.argv) > 5 else None)
    else:
        sys.exit(__doc__)
