#!/usr/bin/env python3
"""Helpers for bench/run.sh and bench/precommit.sh (stdlib only).

  report.py timev FILE                 -> "wall cpu rss_kb" from a `/usr/bin/time -v -o FILE` log
  report.py lljson FILE                -> "files lines findings error-notifications" from a leaklint JSON report
  report.py sgjson FILE                -> "results errors scanned" from a semgrep JSON report
  report.py table TSV CORPUS PEER ...  -> markdown table + ratios for one corpus (see run.sh)
  report.py median FILE                -> median (ms) of the runs in a hyperfine --export-json file
"""
import json
import statistics
import sys


def timev(path):
    wall = user = sys_ = rss = None
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.strip()
            if line.startswith("Elapsed (wall clock) time"):
                v = line.rsplit(": ", 1)[1]  # h:mm:ss or m:ss.ss
                secs = 0.0
                for part in v.split(":"):
                    secs = secs * 60 + float(part)
                wall = secs
            elif line.startswith("User time (seconds):"):
                user = float(line.rsplit(":", 1)[1])
            elif line.startswith("System time (seconds):"):
                sys_ = float(line.rsplit(":", 1)[1])
            elif line.startswith("Maximum resident set size (kbytes):"):
                rss = int(line.rsplit(":", 1)[1])
    if None in (wall, user, sys_, rss):
        sys.exit(f"report.py: cannot parse {path}")
    print(f"{wall:.3f} {user + sys_:.3f} {rss}")


def lljson(path):
    with open(path, encoding="utf-8") as f:
        d = json.load(f)
    s = d.get("stats", {})
    # stats.errors counts error-SEVERITY findings; files that could not be analysed are error notifications
    bad = sum(1 for n in d.get("notifications", []) if n.get("level") == "error")
    print(s.get("files", -1), s.get("lines", -1), s.get("findings", len(d.get("findings", []))), bad)


def sgjson(path):
    with open(path, encoding="utf-8") as f:
        d = json.load(f)
    scanned = d.get("paths", {}).get("scanned")
    print(len(d.get("results", [])), len(d.get("errors", [])), len(scanned) if scanned is not None else -1)


def fnum(x, nd=0):
    return f"{x:,.{nd}f}"


def table(tsv, corpus, peer):
    """Rows of the TSV: corpus tool files lines wall cpu rss_kb count rc runs note."""
    rows = []
    with open(tsv, encoding="utf-8") as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) < 11:
                continue
            rows.append(dict(corpus=p[0], tool=p[1], files=int(p[2]), lines=int(p[3]), wall=float(p[4]),
                             cpu=float(p[5]), rss=int(p[6]), count=p[7], rc=p[8], runs=p[9], note=p[10]))
    out = ["| corpus | tool | runs | files | lines | wall s | user+sys s | lines/s | peak RSS MB | findings | exit | note |",
           "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        lps = r["lines"] / r["wall"] if r["wall"] > 0 else float("inf")
        out.append(f"| {r['corpus']} | {r['tool']} | {r['runs']} | {fnum(r['files'])} | {fnum(r['lines'])} | "
                   f"{r['wall']:.2f} | {r['cpu']:.2f} | {fnum(lps)} | {r['rss'] / 1024:.1f} | {r['count']} | "
                   f"{r['rc']} | {r['note']} |")

    def get(c, t):
        for r in rows:
            if r["corpus"] == c and r["tool"] == t:
                return r
        return None

    out.append("")
    for c in dict.fromkeys(r["corpus"] for r in rows):
        ll, cat = get(c, "leaklint"), get(c, "cat")
        if ll and cat and ll["wall"] > 0:
            out.append(f"- {c}: leaklint wall = {ll['wall'] / max(cat['wall'], 1e-9):.1f}× cat's "
                       f"({ll['wall']:.2f} s vs {cat['wall']:.2f} s; cat is the floor: reading the bytes)")
    ll, sg = get(peer, "leaklint"), get(peer, "semgrep")
    if ll and sg and ll["wall"] > 0:
        out.append(f"- {peer}: leaklint throughput = {sg['wall'] / ll['wall']:.0f}× semgrep's wall-clock "
                   f"({fnum(ll['lines'] / ll['wall'])} vs {fnum(sg['lines'] / sg['wall'])} lines/s), "
                   f"{sg['cpu'] / max(ll['cpu'], 1e-9):.0f}× less CPU, "
                   f"peak RSS {ll['rss'] / 1024:.0f} MB vs {sg['rss'] / 1024:.0f} MB; same files for both")
    cl = get(peer, "clang")
    if ll and cl and ll["wall"] > 0:
        out.append(f"- {peer}: leaklint = {cl['wall'] / ll['wall']:.0f}× faster than `clang++ -fsyntax-only` with includes "
                   f"(wall {ll['wall']:.2f} s vs {cl['wall']:.2f} s, CPU {ll['cpu']:.2f} s vs {cl['cpu']:.2f} s); same files for both")
    print("\n".join(out))


def median(path):
    with open(path, encoding="utf-8") as f:
        d = json.load(f)
    times = d["results"][0]["times"]
    print(f"{statistics.median(times) * 1000:.1f} {min(times) * 1000:.1f} {max(times) * 1000:.1f} {len(times)}")


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "timev":
        timev(sys.argv[2])
    elif cmd == "lljson":
        lljson(sys.argv[2])
    elif cmd == "sgjson":
        sgjson(sys.argv[2])
    elif cmd == "table":
        table(sys.argv[2], sys.argv[3], sys.argv[4])
    elif cmd == "median":
        median(sys.argv[2])
    else:
        sys.exit(f"report.py: unknown command {cmd}")
