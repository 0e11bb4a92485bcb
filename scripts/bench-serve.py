#!/usr/bin/env python3
"""Measure `carehub serve` from file save to rebuilt output.

Copies a site to a temporary folder (the example site, optionally with
thousands of generated articles added), starts `carehub serve` on a free
port, then repeatedly edits one article and polls the page over HTTP until
the edit is served. The time from the end of the write to the first
response with the edit is the save-to-rebuilt latency; it includes the
watcher's debounce. The server's own "Rebuilt in X ms" lines are reported
too, and the time it then spends on the search index and the checks
(served without a reload; a check error then replaces the pages).

    cargo build --release
    scripts/bench-serve.py                      # the example site
    scripts/bench-serve.py --articles 10000     # plus 10,000 generated articles

Options: --binary PATH (default target/release/carehub, or
$CARGO_TARGET_DIR/release/carehub), --runs N (default 20), --keep (leave the
temporary site for inspection).
"""

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

SERVICES = ["respite-care", "hospice-at-home", "day-services", "bereavement-support"]
CONDITIONS = ["cancer", "dementia", "heart-failure", "copd"]


def article(i, section):
    s = SERVICES[i % len(SERVICES)]
    c = CONDITIONS[i % len(CONDITIONS)]
    paras = "\n\n".join(
        f"Paragraph {p} of article {i}. Palliative care helps people live as well as they can. "
        "It looks after pain and other symptoms, and supports families and carers. "
        f"Read about [this service](@/services/{s}.md) to learn more."
        for p in range(6)
    )
    return f"""+++
title = "Generated article {i:05}"
description = "A generated article for benchmarking, number {i}."
date = 2026-01-01
updated = 2026-06-01
last_reviewed = 2026-06-01
next_review = 2028-06-01
reviewed_by = "Bench Reviewer"
services = ["{s}"]
conditions = ["{c}"]
weight = {i}

[[sources]]
title = "End of life care"
url = "https://www.nhs.uk/conditions/end-of-life-care/"
publisher = "NHS"
accessed = 2026-05-01
+++

## What it is

{paras}

## Getting help

Ask your GP. See [the home page](@/_index.md) and [{section}](@/{section}/_index.md).
"""


def make_site(dest, articles, per_section=500):
    shutil.copytree(REPO / "content", dest / "content")
    shutil.copy(REPO / "site.toml", dest / "site.toml")
    for i in range(articles):
        section = f"library-{i // per_section:02d}"
        d = dest / "content" / section
        if not (d / "_index.md").exists():
            d.mkdir(parents=True, exist_ok=True)
            (d / "_index.md").write_text(
                f"""+++
title = "Library {section}"
description = "Generated section."
last_reviewed = 2026-06-01
reviewed_by = "Bench Reviewer"
+++
Generated articles.
"""
            )
        (d / f"topic-{i:05d}.md").write_text(article(i, section))


def get(port, path):
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        chunks = []
        while True:
            b = s.recv(65536)
            if not b:
                break
            chunks.append(b)
    return b"".join(chunks).decode("utf-8", "replace")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    target_dir = os.environ.get("CARGO_TARGET_DIR", str(REPO / "target"))
    ap.add_argument("--binary", default=str(Path(target_dir) / "release" / "carehub"))
    ap.add_argument("--articles", type=int, default=0)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--page", help="the file under content/ to edit (default: an article)")
    args = ap.parse_args()
    if not Path(args.binary).is_file():
        sys.exit(f"no binary at {args.binary}: run `cargo build --release` first, or pass --binary")

    tmp = Path(tempfile.mkdtemp(prefix="carehub-bench-"))
    try:
        t = time.perf_counter()
        make_site(tmp, args.articles)
        print(f"site: example + {args.articles} generated articles in {tmp} ({time.perf_counter() - t:.1f} s to write)")
        proc = subprocess.Popen(
            [args.binary, "serve", "--port", "0", "--timings", "--root", str(tmp)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        lines = []
        port = None
        started = time.perf_counter()
        for line in proc.stdout:
            lines.append(line.rstrip())
            m = re.match(r"Serving the site at http://127\.0\.0\.1:(\d+)/", line)
            if m:
                port = int(m.group(1))
                break
        if port is None:
            sys.exit("serve did not start:\n" + "\n".join(lines))
        print("\n".join(l for l in lines if l.startswith("Built")))
        print(f"first build and start: {time.perf_counter() - started:.2f} s")
        rebuilt = []

        steps = []
        after = []
        split = []
        finished_at = []

        def drain():
            for line in proc.stdout:
                m = re.search(r"Rebuilt in ([\d.]+) ms", line)
                if m:
                    rebuilt.append(float(m.group(1)))
                if line.strip().startswith("timings:"):
                    steps.append(line.strip())
                m = re.search(r"then: search index ([\d.]+) ms, check ([\d.]+) ms", line)
                if m:
                    after.append(float(m.group(1)) + float(m.group(2)))
                    split.append((float(m.group(1)), float(m.group(2))))
                    finished_at.append(time.perf_counter())

        threading.Thread(target=drain, daemon=True).start()

        if args.page:
            rel = args.page
        elif args.articles:
            rel = "library-00/topic-00007.md"
        else:
            rel = "accessing-care.md"
        url = "/" + rel.removesuffix(".md").removesuffix("_index").rstrip("/") + "/"
        path = tmp / "content" / rel
        original = path.read_text()

        def measure(label, edit):
            times = []
            rebuilt.clear()
            steps.clear()
            after.clear()
            split.clear()
            finished_at.clear()
            whole = []
            for n in range(args.runs):
                marker = f"bench-{label}-{n}-{time.time_ns()}"
                text = edit(original, marker)
                t0 = time.perf_counter()
                path.write_text(text)
                t0 = time.perf_counter()
                deadline = t0 + 60
                while marker not in get(port, url):
                    if time.perf_counter() > deadline:
                        sys.exit(f"{label}: the edit never showed")
                times.append((time.perf_counter() - t0) * 1000)
                # Let the server finish (search index, checks) before the next edit.
                settle = time.perf_counter() + 60
                while len(after) <= n and time.perf_counter() < settle:
                    time.sleep(0.002)
                if len(finished_at) > n:
                    whole.append((finished_at[n] - t0) * 1000)
                time.sleep(0.05)
            time.sleep(0.3)
            times.sort()
            med = statistics.median(times)
            p90 = times[int(len(times) * 0.9) - 1] if len(times) >= 10 else times[-1]
            server = f"; server rebuild median {statistics.median(rebuilt):.1f} ms" if rebuilt else ""
            print(f"{label:<28} save-to-served median {med:6.1f} ms, p90 {p90:6.1f} ms, max {times[-1]:6.1f} ms{server}")
            if steps:
                print(f"{'':<28} last rebuild {steps[-1]}")
            if after:
                print(f"{'':<28} then search index and checks: median {statistics.median(after):.1f} ms more"
                      f" (search index {statistics.median(a for a, _ in split):.1f} ms, checks {statistics.median(b for _, b in split):.1f} ms)")
            if whole:
                whole.sort()
                print(f"{'':<28} save-to-finished (pages, search index and checks all done) median {statistics.median(whole):6.1f} ms, max {whole[-1]:6.1f} ms")

        # Body only: only the page itself is rendered again.
        measure("body edit", lambda s, m: s.replace("+++\n\n", f"+++\n\n{m} ", 1) if "+++\n\n" in s else s + f"\n{m}\n")
        # Front matter: the page, its section, its service/condition pages and the listings.
        measure("front matter (description)", lambda s, m: re.sub(r'description = "', f'description = "{m} ', s, count=1))
        path.write_text(original)
        proc.terminate()
        proc.wait(timeout=10)
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
