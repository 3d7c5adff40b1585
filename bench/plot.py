#!/usr/bin/python3
# Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
"""Plots a Google Benchmark JSON file and writes its summary table.

    /usr/bin/python3 bench/plot.py docs/bench/validation.json docs/bench/validation.png

Reads the median aggregates (run with --benchmark_repetitions=N
--benchmark_report_aggregates_only=true; without repetitions the single runs are
used), and writes:

  * <png>: median CPU ns/op per implementation, one panel per group (the part
    of the benchmark name before '/'), log scale, iamcore highlighted;
  * <png stem>.md: a Markdown table of every figure with the ratio of each
    peer to the group's iamcore row, and the goals of docs/PERFORMANCE.md.

Benchmark names are "<group>/<implementation>"; the group's reference is its
first implementation whose name starts with "iamcore". The "clock" group (the
effective core clock) is not plotted; it converts ns to cycles.
"""
import json
import math
import os
import sys
from collections import OrderedDict

UNIT_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}

# (group, iamcore implementation, peer implementation, minimum peer/iamcore).
GOALS = [
    ("username", "iamcore_IsValidUsername", "re2_FullMatch", 5),
    ("username", "iamcore_IsValidUsername", "std_regex_match", 30),
    ("password", "iamcore_IsValid", "pwquality_check_nodict", 100),
    ("blocklist", "iamcore_Contains", "cracklib_FascistCheck", 10000),
    ("generate", "iamcore_GeneratePassword", "pwquality_generate_nodict", 3),
]
# Username validation within this many times of one cycle per byte.
CYCLES_PER_BYTE_GOAL = 2.0


def load(path):
    with open(path) as f:
        data = json.load(f)
    rows = OrderedDict()
    cvs = {}
    for b in data["benchmarks"]:
        if b.get("error_occurred"):
            continue
        if b.get("aggregate_name") == "cv":
            cvs[b.get("run_name", b["name"])] = b["cpu_time"]
        if b.get("run_type") == "aggregate" and b.get("aggregate_name") != "median":
            continue
        name = b.get("run_name", b["name"])
        if b.get("run_type") != "aggregate" and name in rows:
            continue  # no repetitions: keep the first run
        scale = UNIT_NS[b.get("time_unit", "ns")]
        group, _, impl = name.partition("/")
        rows[name] = {
            "group": group,
            "impl": impl or group,
            "cpu_ns": b["cpu_time"] * scale,
            "real_ns": b["real_time"] * scale,
            "raw": b,
            "order": (b.get("family_index", 0), b.get("per_family_instance_index", 0)),
        }
    for name, cv in cvs.items():
        if name in rows:
            rows[name]["cv"] = cv
    # Registration order (random interleaving shuffles the file's order).
    rows = OrderedDict(sorted(rows.items(), key=lambda kv: kv[1]["order"]))
    return data.get("context", {}), rows


def groups_of(rows):
    groups = OrderedDict()
    for r in rows.values():
        groups.setdefault(r["group"], []).append(r)
    return groups


def reference(rows, row=None):
    """The iamcore row `row` is compared with: the iamcore row of the same
    variant (same last '_' token, e.g. "..._owasp") if `row` is a peer and
    there is one, else the group's first iamcore row."""
    mine = [r for r in rows if r["impl"].startswith("iamcore")]
    if row is not None and not row["impl"].startswith("iamcore"):
        variant = row["impl"].rsplit("_", 1)[-1]
        for r in mine:
            if r["impl"].rsplit("_", 1)[-1] == variant:
                return r
    return mine[0] if mine else None


def fmt_ns(ns):
    if ns >= 1e6:
        return "%.2f ms" % (ns / 1e6)
    if ns >= 1e4:
        return "%.1f µs" % (ns / 1e3)
    if ns >= 100:
        return "%.0f ns" % ns
    return "%.2f ns" % ns


def fmt_ratio(x):
    if x >= 100:
        return "{:,.0f}x".format(x)
    return "%.2fx" % x


def clocks(context, rows):
    """(nominal GHz from the benchmark context, measured GHz or None)."""
    nominal = context.get("mhz_per_cpu", 0) / 1000.0 or None
    measured = None
    for r in rows.values():
        if r["group"] == "clock" and "cycles_per_second" in r["raw"]:
            measured = r["raw"]["cycles_per_second"] / 1e9
    return nominal, measured


def table(context, rows):
    nominal, measured = clocks(context, rows)
    lines = []
    lines.append("| Group | Implementation | median CPU time/op | CPU cv | median wall time/op "
                 "| time / iamcore's | Notes |")
    lines.append("|---|---|---:|---:|---:|---:|---|")
    for group, members in groups_of(rows).items():
        for r in members:
            ref = reference(members, r)
            notes = []
            raw = r["raw"]
            if group == "clock" and measured:
                notes.append("effective clock %.2f GHz" % measured)
            if "bytes_per_entry" in raw:
                notes.append("%.0f entries, %.1f bytes/entry (%.2f MB)" % (
                    raw.get("entries", 0), raw["bytes_per_entry"], raw.get("memory_bytes", 0) / 1e6))
            if group == "username" and "bytes_per_item" in raw:
                b = raw["bytes_per_item"]
                parts = ["%.1f B/item" % b]
                if nominal:
                    parts.append("%.2f cycles/B at %.2f GHz" % (r["cpu_ns"] * nominal / b, nominal))
                if measured:
                    parts.append("%.2f cycles/B at %.2f GHz" % (r["cpu_ns"] * measured / b, measured))
                notes.append(", ".join(parts))
            if "mem_limit_MiB" in raw:
                notes.append("m=%g MiB, t=%g" % (raw["mem_limit_MiB"], raw.get("ops_limit", 0)))
            ratio = ""
            if ref is not None and group != "clock":
                ratio = "1 (reference)" if r is ref else "%s (vs %s)" % (
                    fmt_ratio(r["cpu_ns"] / ref["cpu_ns"]), ref["impl"])
            cv = "%.1f%%" % (100 * r["cv"]) if "cv" in r else ""
            lines.append("| %s | %s | %s | %s | %s | %s | %s |" % (
                group, r["impl"], fmt_ns(r["cpu_ns"]), cv, fmt_ns(r["real_ns"]), ratio,
                "; ".join(notes)))
    return "\n".join(lines)


def goals(context, rows):
    if not any("%s/%s" % (g, mine) in rows for g, mine, _, _ in GOALS):
        return ""  # not the validation benchmarks
    nominal, measured = clocks(context, rows)
    lines = ["| Goal | Result | Met |", "|---|---|---|"]
    for group, mine, peer, target in GOALS:
        a = rows.get("%s/%s" % (group, mine))
        b = rows.get("%s/%s" % (group, peer))
        if a is None or b is None:
            lines.append("| %s ≥ %gx faster than %s | not measured | — |" % (mine, target, peer))
            continue
        ratio = b["cpu_ns"] / a["cpu_ns"]
        lines.append("| %s ≥ %sx faster than %s | %s | %s |" % (
            mine, "{:,}".format(target), peer, fmt_ratio(ratio),
            "yes" if ratio >= target else "**no** (%.0f%% of goal)" % (100 * ratio / target)))
    u = rows.get("username/iamcore_IsValidUsername")
    if u is not None and "bytes_per_item" in u["raw"]:
        for label, ghz in (("nominal", nominal), ("measured", measured)):
            if not ghz:
                continue
            cpb = u["cpu_ns"] * ghz / u["raw"]["bytes_per_item"]
            lines.append("| IsValidUsername ≤ %g cycles/byte (%s clock %.2f GHz) | %.2f | %s |" % (
                CYCLES_PER_BYTE_GOAL, label, ghz, cpb,
                "yes" if cpb <= CYCLES_PER_BYTE_GOAL else "**no**"))
    return "\n".join(lines)


def plot(rows, png, title):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    groups = [(g, m) for g, m in groups_of(rows).items() if g != "clock"]
    if not groups:
        return
    heights = [max(1.2, 0.42 * len(m) + 0.6) for _, m in groups]
    fig, axes = plt.subplots(len(groups), 1, figsize=(10, sum(heights) + 0.8),
                             gridspec_kw={"height_ratios": heights}, squeeze=False)
    lo = min(r["cpu_ns"] for _, m in groups for r in m)
    hi = max(r["cpu_ns"] for _, m in groups for r in m)
    for ax, (group, members) in zip(axes[:, 0], groups):
        names = [r["impl"] for r in members][::-1]
        values = [r["cpu_ns"] for r in members][::-1]
        colors = ["#c0392b" if n.startswith("iamcore") else
                  "#95a5a6" if n.startswith("floor") else "#2c7fb8" for n in names]
        ax.barh(names, values, color=colors)
        ax.set_xscale("log")
        ax.set_xlim(10 ** math.floor(math.log10(lo)), 10 ** (math.ceil(math.log10(hi)) + 0.6))
        ax.set_title(group, loc="left", fontsize=10, fontweight="bold")
        ax.tick_params(axis="y", labelsize=8)
        ax.grid(axis="x", which="major", alpha=0.3)
        for y, v in enumerate(values):
            ax.text(v * 1.15, y, fmt_ns(v), va="center", fontsize=7)
    axes[-1, 0].set_xlabel("median CPU time per operation (ns, log scale); red = iamcore")
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    fig.savefig(png, dpi=110)
    plt.close(fig)


def main(argv):
    if len(argv) not in (2, 3):
        sys.stderr.write("usage: plot.py BENCH.json [OUT.png]\n")
        return 2
    src = argv[1]
    png = argv[2] if len(argv) == 3 else os.path.splitext(src)[0] + ".png"
    context, rows = load(src)
    if not rows:
        sys.stderr.write("plot.py: no benchmark rows in %s\n" % src)
        return 1
    title = "%s — %s, %d × %s MHz" % (
        os.path.basename(os.path.splitext(src)[0]), context.get("date", "")[:10],
        context.get("num_cpus", 0), context.get("mhz_per_cpu", "?"))
    plot(rows, png, title)
    text = "%s\n\n%s\n" % (table(context, rows), goals(context, rows))
    md = os.path.splitext(png)[0] + ".md"
    with open(md, "w") as f:
        f.write("<!-- generated by bench/plot.py from %s -->\n\n%s" % (os.path.basename(src), text))
    sys.stdout.write(text)
    sys.stderr.write("plot.py: wrote %s and %s\n" % (png, md))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
