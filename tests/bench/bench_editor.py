"""Benchmark of the editor's interactive paths (issue 14; not collected by pytest).

    DATABASE_URL=postgres://… python tests/bench/bench_editor.py [-n 15] [--sizes 10,100,500,1000]
    [--root CHECKOUT]

In process, with Django's test client against PostgreSQL (a throw-away database named after
DATABASE_URL's with the suffix _bench), for a report of each size (the 述职报告 outline plus points
and paragraphs, one in five with a placeholder, spread over its sections):

1. the editor page: bytes per block and milliseconds per block (median of n GETs);
2. an autosave as the browser does it: the POST, plus the follow-up GET the answer triggers
   (the old outline refresh, when the answer carries HX-Trigger report-changed), medians;
3. a move, an add and a delete of a point: bytes of the answer and milliseconds.

Prints one table and the ratio of each size to the smallest. `--root` runs another checkout's code
(e.g. main, for the numbers before a change) with this script. The figures are ratios measured in
one run; nothing here fails.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path


def _setup(root: Path) -> None:
    sys.path[:0] = [str(root)]
    os.chdir(root)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bureau.settings")
    os.environ.setdefault("SECRET_KEY", "bench-secret")
    import django

    django.setup()


def _median_ms(fn, n: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(n):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, result


def _build_report(user, kind, size: int, tag: str):
    from reports.models import Block
    from reports.services import reports as report_services

    report = report_services.report_create(user=user, kind=kind, year=2025, subject=f"干部{tag}")
    sections = list(report.blocks.filter(parent=None).order_by("position"))
    have = report.blocks.count()
    rows = []
    for i in range(max(0, size - have)):
        section = sections[(i // 2) % len(sections)]
        text = (
            f"第{i}段正文，推进预算管理改革，收入{{{{一般公共预算收入}}}}亿元。"
            if i % 5 == 0
            else f"第{i}段正文内容。"
        )
        kind_ = Block.Type.POINT if i % 2 else Block.Type.PARAGRAPH
        rows.append(
            Block(
                report=report,
                parent=section,
                position=1000 + i,
                type=kind_,
                title="要点" if i % 2 else "",
                text=text,
            )
        )
    Block.objects.bulk_create(rows)
    return report


def _measure(client, report, n: int) -> dict[str, float]:
    from django.urls import reverse

    hx = {"HTTP_HX_REQUEST": "true"}
    blocks = report.blocks.count()
    url = reverse("report_edit", args=[report.pk])
    ms, page = _median_ms(lambda: client.get(url), n)
    out = {"blocks": blocks, "page_kb": len(page.content) / 1024, "bytes_block": len(page.content) / blocks}
    out["ms_block"] = ms / blocks
    out["page_ms"] = ms
    point = report.blocks.filter(type="point").order_by("-position").first()
    state = {"version": point.version, "i": 0}

    def save():
        state["i"] += 1
        response = client.post(
            reverse("block_save", args=[point.pk]),
            {
                "version": str(state["version"]),
                "title": "要点",
                "text": f"改写{state['i']}次{{{{一般公共预算收入}}}}",
            },
            **hx,
        )
        assert response.status_code == 200, response.status_code
        state["version"] += 1
        return response

    def save_and_follow():
        response = save()
        start = time.perf_counter()
        if "report-changed" in response.get("HX-Trigger", ""):
            client.get(reverse("report_outline", args=[report.pk]), **hx)
        return time.perf_counter() - start

    save_ms, response = _median_ms(save, n)
    out["save_ms"] = save_ms
    out["save_bytes"] = len(response.content)
    follows = [save_and_follow() for _ in range(n)]
    out["follow_ms"] = statistics.median(follows) * 1000
    out["pair_ms"] = out["save_ms"] + out["follow_ms"]

    section = report.blocks.filter(parent=None, type="heading").order_by("position").first()
    target = report.blocks.filter(parent=section).order_by("position", "id")[1]
    ms, response = _median_ms(
        lambda: client.post(reverse("block_move", args=[target.pk]), {"direction": "up"}, **hx), n
    )
    out["move_ms"], out["move_bytes"] = ms, len(response.content)
    start = time.perf_counter()
    response = client.post(
        reverse("block_add", args=[report.pk]), {"type": "point", "after": str(target.pk)}, **hx
    )
    out["add_ms"], out["add_bytes"] = (time.perf_counter() - start) * 1000, len(response.content)
    new = report.blocks.order_by("-id").first()
    start = time.perf_counter()
    response = client.post(reverse("block_delete", args=[new.pk]), **hx)
    out["delete_ms"], out["delete_bytes"] = (time.perf_counter() - start) * 1000, len(response.content)
    return out


COLUMNS = [
    ("blocks", "blocks", "{:.0f}"),
    ("page_kb", "editor KB", "{:.0f}"),
    ("bytes_block", "B/block", "{:.0f}"),
    ("ms_block", "ms/block", "{:.3f}"),
    ("save_ms", "save ms", "{:.1f}"),
    ("follow_ms", "follow-up ms", "{:.1f}"),
    ("pair_ms", "save+follow ms", "{:.1f}"),
    ("save_bytes", "save B", "{:.0f}"),
    ("move_bytes", "move B", "{:.0f}"),
    ("move_ms", "move ms", "{:.1f}"),
    ("add_bytes", "add B", "{:.0f}"),
    ("delete_bytes", "delete B", "{:.0f}"),
]


def run(sizes: list[int], n: int) -> list[dict[str, float]]:
    from decimal import Decimal

    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    connection.settings_dict.setdefault("TEST", {})["NAME"] = connection.settings_dict["NAME"] + "_bench"
    old = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from personas import make_member

        from reports.models import Bureau, Department, Membership, Metric, ReportKind
        from reports.services import reports as report_services

        report_services.kinds_sync()
        bureau = Bureau.objects.create(name="基准市财政局")
        Department.objects.create(bureau=bureau, name="办公室")
        user = make_member(bureau, "drafter", Membership.Role.DRAFTER)
        Metric.objects.create(
            bureau=bureau, year=2025, name="一般公共预算收入", value=Decimal("186.4"), unit="亿元", decimals=1
        )
        client = Client()
        client.force_login(user)
        kind = ReportKind.objects.get(code="duty")
        rows = []
        for size in sizes:
            report = _build_report(user, kind, size, str(size))
            _measure(client, report, 2)  # warm caches and templates
            rows.append(_measure(client, report, n))
        return rows
    finally:
        connection.creation.destroy_test_db(old, verbosity=0)


def print_table(rows: list[dict[str, float]], label: str) -> None:
    print(f"editor ({label})")
    print(" | ".join(title for _key, title, _fmt in COLUMNS) + " | pair ratio")
    base = rows[0]["pair_ms"]
    for row in rows:
        cells = [fmt.format(row[key]) for key, _title, fmt in COLUMNS]
        print(" | ".join(cells) + f" | {row['pair_ms'] / base:.2f}×")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=15)
    parser.add_argument("--sizes", default="10,100,500,1000")
    parser.add_argument("--root", default=str(Path(__file__).resolve().parents[2]))
    parser.add_argument("--json", help="also write the rows to this file")
    args = parser.parse_args()
    sys.path[:0] = [str(Path(__file__).resolve().parents[1])]  # tests/: personas
    _setup(Path(args.root).resolve())
    rows = run([int(s) for s in args.sizes.split(",")], args.n)
    print_table(rows, args.root)
    if args.json:
        Path(args.json).write_text(json.dumps(rows))


if __name__ == "__main__":
    main()
