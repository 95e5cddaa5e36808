"""Every benchmark figure in one table, each against a baseline measured in the same run (issue 14).

    python tests/bench/run_all.py [--quick] [--only render,placeholders,server,import,proofread,packet,search]
                                  [--compare DIR]

Prints one table (figure, value, baseline, ratio) and writes it to docs/benchmarks.md with the date,
the machine and the versions. Not part of the test suite (tests/bench is in norecursedirs); the table
builder is smoke-tested by tests/test_bench_table.py.

Sections:
- render: our render_docx against docxtpl, python-docx and pandoc on the same content (the largest
  demo-like snapshot repeated 1×, 10×, 100×); every peer's paragraph texts are checked identical to
  ours, and our own time is also set against the zip floor of bench_render.py.
- placeholders: 1,000 evaluations with the per-process caches warm against the same with the caches
  cleared before each (a fresh parse, check and compile: what every evaluation paid before).
- server (PostgreSQL and Redis from DATABASE_URL and REDIS_URL): a database of its own
  (<name>_bench, dropped and made anew), seed_demo, reports of 10/100/500/1,000 blocks made with
  report_create_from_content; gunicorn (2 workers) and a Celery worker. Figures: the autosave pair
  (POST block save + the outline refresh the browser sends after it) p50/p95 against the cheapest
  authenticated GET; the pair's throughput under 20 concurrent clients against saves alone; the
  editor page's bytes and milliseconds per block; export click → download link (POST, then the
  status fragment polled with the schedule it announces) against the POST alone. With --compare
  DIR the autosave figures are measured a second time against gunicorn started from another
  checkout (e.g. /work/main) on the same database: before/after in one run.
- import, proofread, packet: the figures() of bench_import.py, bench_proofread.py, bench_packet.py;
  search: bench_search.figures() when that module exists.
"""

from __future__ import annotations

import argparse
import datetime
import html
import importlib
import io
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "core"), str(ROOT / "tests" / "bench")]

from bench_import import median_ms  # noqa: E402

DOC = ROOT / "docs" / "benchmarks.md"
SIZES = (10, 100, 500, 1000)
CLIENTS = 20


@dataclass
class Figure:
    """One line of the table: `value` measured against `baseline` in the same run."""

    section: str
    name: str
    value: float | None
    unit: str
    baseline_name: str = ""
    baseline: float | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.baseline:
            return None
        return self.value / self.baseline


def _number(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}" if abs(value) < 1 else f"{value:.1f}"


def table(figures: Iterable[Figure]) -> str:
    """The figures as one Markdown table (what is printed and written to docs/benchmarks.md)."""
    lines = ["| 项目 | 测量 | 数值 | 基线 | 基线数值 | 比值 | 说明 |", "|---|---|---:|---|---:|---:|---|"]
    for f in figures:
        ratio = f"{f.ratio:.2f}×" if f.ratio is not None else "—"
        value = f"{_number(f.value)} {f.unit}".strip() if f.value is not None else "—"
        cells = [f.section, f.name, value, f.baseline_name or "—"]
        cells += [_number(f.baseline) if f.baseline_name else "—", ratio, f.note]
        lines.append("| " + " | ".join(" ".join(c.replace("|", "/").split()) for c in cells) + " |")
    return "\n".join(lines)


def document(figures: list[Figure], machine: list[tuple[str, str]], command: str) -> str:
    head = [
        "# 基准测试结果",
        "",
        f"由 `{command}` 生成（tests/bench/run_all.py），每项数值与同一次运行中测得的基线并列，比值 = 数值 / 基线。",
        "",
        "| 环境 | |",
        "|---|---|",
        *(f"| {k} | {v} |" for k, v in machine),
        "",
    ]
    return "\n".join(head) + table(figures) + "\n"


def _version(cmd: list[str]) -> str:
    if not shutil.which(cmd[0]):
        return "未安装"
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=60).stdout.strip()
    return out.splitlines()[0] if out else "未知"


def machine_info(postgres: str) -> list[tuple[str, str]]:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        cpu = next(
            (
                ln.split(":", 1)[1].strip()
                for ln in cpuinfo.read_text().splitlines()
                if ln.startswith("model name")
            ),
            cpu,
        )
    import django

    return [
        ("日期", datetime.datetime.now().strftime("%Y-%m-%d %H:%M")),
        ("CPU", f"{cpu}，{os.cpu_count()} 核"),
        ("系统", platform.platform()),
        ("Python", platform.python_version()),
        ("Django", django.get_version()),
        ("PostgreSQL", postgres or "未测（未设置 DATABASE_URL）"),
        ("LibreOffice", _version(["soffice", "--version"])),
        ("pandoc", _version(["pandoc", "--version"])),
    ]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


# --- render -------------------------------------------------------------------------------------


def docx_texts(data: bytes) -> list[str]:
    from docx import Document

    return [p.text for p in Document(io.BytesIO(data)).paragraphs if p.text.strip()]


def _docxtpl_renderer() -> Callable[[list[str]], bytes] | None:
    try:
        from docxtpl import DocxTemplate
    except ImportError:
        return None
    from docx import Document

    template = io.BytesIO()
    doc = Document()
    for line in ("{%p for text in paras %}", "{{ text }}", "{%p endfor %}"):
        doc.add_paragraph(line)
    doc.save(template)

    def render(paras: list[str]) -> bytes:
        tpl = DocxTemplate(io.BytesIO(template.getvalue()))
        tpl.render({"paras": paras}, autoescape=True)
        out = io.BytesIO()
        tpl.save(out)
        return out.getvalue()

    return render


def _pandoc(paras: list[str]) -> bytes:
    source = "".join(f"<p>{html.escape(t)}</p>\n" for t in paras)
    return subprocess.run(
        ["pandoc", "-f", "html", "-t", "docx", "-o", "-"],
        input=source.encode(),
        capture_output=True,
        check=True,
    ).stdout


def render_figures(quick: bool) -> list[Figure]:
    from bench_render import naive_docx, zip_floor
    from test_docx_layout import largest_snapshot

    from reports.core.document import layout_paragraphs
    from reports.core.docx_render import render_docx

    name, base = largest_snapshot()
    docxtpl = _docxtpl_renderer()
    out: list[Figure] = []
    for scale in (1, 10, 100):
        snapshot = dict(base, blocks=list(base["blocks"]) * scale)
        paras = [p.text for p in layout_paragraphs(snapshot)]
        n = max(2, (5 if quick else 30) // scale)
        ours_bytes = render_docx(snapshot)
        ours = median_ms(lambda s=snapshot: render_docx(s), n)
        expected = [t for t in docx_texts(ours_bytes) if t.strip()]
        label = f"{scale}×（{len(paras)} 段）"
        floor = median_ms(zip_floor(ours_bytes), n)
        out.append(Figure("渲染", f"render_docx {label}", ours, "ms", "zip 下限", floor))
        peers: list[tuple[str, Callable[[], bytes] | None, str]] = [
            ("python-docx", lambda s=snapshot: naive_docx(s), ""),
            (
                "docxtpl",
                (lambda p=paras: docxtpl(p)) if docxtpl else None,
                "未安装（pip install -e '.[bench]'）",
            ),
            (
                "pandoc",
                (lambda p=paras: _pandoc(p)) if shutil.which("pandoc") else None,
                "未安装（apt-get install pandoc）",
            ),
        ]
        for peer, fn, missing in peers:
            if fn is None:
                out.append(Figure("渲染", f"{peer} {label}", None, "ms", "render_docx", ours, missing))
                continue
            same = [t for t in docx_texts(fn()) if t.strip()] == expected
            took = median_ms(fn, n)
            note = "文字与本项目一致" if same else "文字不一致！"
            if peer == "pandoc":
                note += "；含启动进程"
            out.append(Figure("渲染", f"{peer} {label}", took, "ms", "render_docx", ours, note))
    out[0].note = f"快照 {name}"
    return out


# --- placeholders --------------------------------------------------------------------------------


def placeholder_figures(quick: bool) -> list[Figure]:
    import json

    from reports.core import placeholders
    from reports.core.metrics import evaluate
    from reports.core.placeholders import find_placeholders
    from reports.core.quantities import MetricValue

    data = json.loads((ROOT / "reports" / "demo" / "metrics.json").read_text(encoding="utf-8"))
    keys = ("name", "value", "unit", "decimals", "prior", "budget")
    # a plain dict: a fresh evaluator per call, so only the per-process caches are measured
    metrics = {m["name"]: MetricValue(**{k: m.get(k) for k in keys if k in m}) for m in data["metrics"]}
    texts = []
    for path in sorted((ROOT / "reports" / "demo").glob("*.json")):
        raw = path.read_text(encoding="utf-8")
        texts += [source for _s, _e, source in find_placeholders(raw)]
    texts = list(dict.fromkeys(texts)) or ["{{一般公共预算收入}}"]
    caches = (placeholders._parsed, placeholders.checked, placeholders._compiled)

    def cached() -> None:
        for k in range(1000):
            evaluate(texts[k % len(texts)], metrics)

    def fresh() -> None:
        for k in range(1000):
            for cache in caches:
                cache.cache_clear()
            evaluate(texts[k % len(texts)], metrics)

    cached()
    n = 3 if quick else 7
    warm, cold = median_ms(cached, n), median_ms(fresh, n)
    note = f"{len(texts)} 种占位符文字（演示报告）轮流求值"
    return [Figure("占位符", "1,000 次求值（缓存）", warm, "ms", "每次重新解析编译", cold, note)]


# --- the server: gunicorn + PostgreSQL + Redis + a Celery worker ---------------------------------


def _bench_database() -> str:
    """Point DATABASE_URL at <name>_bench, drop and create it, set Django up and migrate it."""
    import dj_database_url
    import psycopg

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres") or not os.environ.get("REDIS_URL"):
        raise RuntimeError("需要 DATABASE_URL（PostgreSQL）与 REDIS_URL")
    cfg = dj_database_url.parse(url)
    name = f"{cfg['NAME']}_bench"
    admin = f"host={cfg['HOST'] or '127.0.0.1'} port={cfg['PORT'] or 5432} user={cfg['USER']} password={cfg['PASSWORD']} dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + name
    os.environ.setdefault("SECRET_KEY", "bench")
    os.environ["DEBUG"] = "0"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("seed_demo", "--force", verbosity=0, stdout=io.StringIO())
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0]


def _report_of(blocks: int):
    """A report of exactly `blocks` blocks: headings of nine points each, the demo's point texts."""
    import json

    from django.contrib.auth import get_user_model

    from reports.models import ReportKind
    from reports.services import reports as report_services

    demo = json.loads((ROOT / "reports" / "demo" / "duty.json").read_text(encoding="utf-8"))
    points = [c for b in demo["blocks"] for c in b.get("children", []) if c.get("type") == "point"]
    user = get_user_model().objects.get(username="drafter")
    tree, made = [], 0
    while made < blocks:
        children = []
        for k in range(min(9, blocks - made - 1)):
            p = points[(made + k) % len(points)]
            children.append({"type": "point", "title": p.get("title", ""), "text": p.get("text", "")})
        tree.append({"type": "heading", "title": f"第{len(tree) + 1}部分工作", "children": children})
        made += 1 + len(children)
    content = dict(demo, subject=f"{blocks} 段的报告", blocks=tree)
    return report_services.report_create_from_content(
        user=user,
        bureau=user.membership.bureau,
        kind=ReportKind.objects.get(code=demo["kind"]),
        content=content,
    )


class Server:
    """gunicorn (2 workers) started from `root` against the bench database; stopped by stop()."""

    def __init__(self, root: Path) -> None:
        from reliability.probes import free_port

        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = open(f"/tmp/run_all_gunicorn_{self.port}.log", "w")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "bureau.wsgi", "--bind", f"127.0.0.1:{self.port}"]
            + ["--workers", "2", "--timeout", "120"],
            cwd=root,
            env=dict(os.environ, LOGIN_THROTTLING="0"),
            stdout=subprocess.DEVNULL,
            stderr=self.log,
        )
        import urllib.request

        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(self.base + "/login/", timeout=2):
                    return
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"gunicorn did not start (log {self.log.name})") from None
                time.sleep(0.2)

    def stop(self) -> None:
        from reliability.probes import stop_process

        stop_process(self.proc, timeout=30)
        self.log.close()


def _client(base: str):
    from reliability.probes import HttpClient

    client = HttpClient(base)
    client.login("drafter", "drafter-demo-2025")
    return client


def _timed(fn: Callable[[], tuple[int, str]]) -> tuple[float, str]:
    start = time.perf_counter()
    status, body = fn()
    took = (time.perf_counter() - start) * 1000
    if status != 200:
        title = re.search(r"<title>(.*?)</title>", body)
        raise RuntimeError(f"HTTP {status}: {title[1] if title else body[:200]}")
    return took, body


class Autosaver:
    """Saves one block again and again from its current version (as the editor does)."""

    def __init__(self, client, report_id: int, block_id: int) -> None:
        from reports.models import Block

        self.client, self.report_id, self.block_id = client, report_id, block_id
        self.version = Block.objects.get(pk=block_id).version
        self.k = 0

    def save(self) -> float:
        self.k += 1
        data = {"version": str(self.version), "text": f"第{self.k}次保存，收入{{{{一般公共预算收入}}}}亿元。"}
        took, _ = _timed(lambda: self.client.post(f"/blocks/{self.block_id}/save/", data))
        self.version += 1
        return took

    def follow_up(self) -> float:
        return _timed(lambda: self.client.get(f"/reports/{self.report_id}/outline/"))[0]


def _points(report, count: int) -> list[int]:
    ids = list(report.blocks.filter(type="point").order_by("pk").values_list("pk", flat=True))
    return [ids[(len(ids) // 2 + k) % len(ids)] for k in range(count)]


def _cheapest_get(client, report_id: int, n: int) -> tuple[str, float]:
    """The fastest of a few small pages a signed-in user GETs (session, user, one or two queries)."""
    candidates = ["/notifications/", f"/reports/{report_id}/presence/"]
    best = ("", float("inf"))
    for path in candidates:
        status, _ = client.get(path)
        if status != 200:
            continue
        took = statistics.median(_timed(lambda p=path: client.get(p))[0] for _ in range(n))
        best = min(best, (path, took), key=lambda x: x[1])
    return best


def _throughput(clients: list[Autosaver], seconds: float, pair: bool) -> float:
    done, stop = [0], time.monotonic() + seconds
    lock = threading.Lock()

    def run(saver: Autosaver) -> None:
        while time.monotonic() < stop:
            saver.save()
            if pair:
                saver.follow_up()
            with lock:
                done[0] += 1

    threads = [threading.Thread(target=run, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return done[0] / seconds


def autosave_figures(base: str, reports: dict[int, object], quick: bool, label: str = "") -> list[Figure]:
    client = _client(base)
    n = 10 if quick else 30
    smallest = reports[min(reports)]
    path, cheapest = _cheapest_get(client, smallest.pk, n)
    out: list[Figure] = []
    first = None
    for size, report in reports.items():
        saver = Autosaver(client, report.pk, _points(report, 1)[0])
        saver.save(), saver.follow_up()  # warm both workers' caches
        saves, follows = [], []
        for _ in range(n):
            saves.append(saver.save())
            follows.append(saver.follow_up())
        pairs = [s + f for s, f in zip(saves, follows, strict=True)]
        note = f"保存 p50 {statistics.median(saves):.1f} ms，刷新 p50 {statistics.median(follows):.1f} ms"
        name = f"{label}自动保存+大纲刷新 {size} 段"
        out.append(
            Figure("自动保存", f"{name} p50", statistics.median(pairs), "ms", f"GET {path}", cheapest, note)
        )
        out.append(Figure("自动保存", f"{name} p95", percentile(pairs, 95), "ms", f"GET {path}", cheapest))
        first = first or statistics.median(pairs)
        out.append(
            Figure(
                "自动保存",
                f"{name} p50 对比最小报告",
                statistics.median(pairs),
                "ms",
                f"{min(reports)} 段",
                first,
                "目标 ≤ 1.3×",
            )
        )
    size = max(reports)  # enough points for one block per client
    report = reports[size]
    savers = [Autosaver(client, report.pk, pk) for pk in _points(report, CLIENTS)]
    seconds = 3 if quick else 6
    alone = _throughput(savers, seconds, pair=False)
    both = _throughput(savers, seconds, pair=True)
    out.append(
        Figure(
            "自动保存",
            f"{label}{CLIENTS} 个并发客户端，{size} 段：保存+刷新",
            both,
            "次/秒",
            "仅保存",
            alone,
            "比值目标 ≥ 0.8",
        )
    )
    return out


def editor_figures(base: str, reports: dict[int, object], quick: bool) -> list[Figure]:
    client = _client(base)
    n = 3 if quick else 7
    out, first = [], None
    for size, report in reports.items():
        path = f"/reports/{report.pk}/"
        _timed(lambda p=path: client.get(p, htmx=False))
        times, body = [], ""
        for _ in range(n):
            took, body = _timed(lambda p=path: client.get(p, htmx=False))
            times.append(took)
        per_block = statistics.median(times) / size
        first = first or per_block
        out.append(Figure("编辑页", f"{size} 段：字节/段", len(body.encode()) / size, "B", "目标", 1024))
        out.append(
            Figure("编辑页", f"{size} 段：毫秒/段", per_block, "ms", f"{min(reports)} 段的毫秒/段", first)
        )
    return out


_POLL = re.compile(r'hx-get="([^"]+\?poll=\d+)" hx-trigger="load delay:(\d+)(ms|s)"')


def export_figures(base: str, report, quick: bool) -> list[Figure]:
    client = _client(base)
    clicks, posts = [], []
    for _ in range(3 if quick else 10):
        start = time.perf_counter()
        took, body = _timed(lambda: client.post(f"/reports/{report.pk}/exports/", {}))
        posts.append(took)
        while "/download/" not in body:
            match = _POLL.search(body)
            if not match:
                raise RuntimeError(f"export status without a poll: {body[:300]}")
            time.sleep(int(match[2]) / (1000 if match[3] == "ms" else 1))
            url = html.unescape(match[1])
            body = _timed(lambda u=url: client.get(u))[1]
        clicks.append((time.perf_counter() - start) * 1000)
    return [
        Figure(
            "导出",
            f"点击 → 下载链接 p50（演示报告，{report.blocks.count()} 段）",
            statistics.median(clicks),
            "ms",
            "导出 POST 往返",
            statistics.median(posts),
            "按状态片段给出的轮询间隔轮询；目标 ≤ 300 ms",
        )
    ]


def server_figures(quick: bool, compare: Path | None, machine: dict) -> list[Figure]:
    machine["postgres"] = _bench_database()
    from workers import start_worker, stop_worker

    from reports.models import Report

    sizes = (10, 100) if quick else SIZES
    reports = {size: _report_of(size) for size in sizes}
    demo = max(
        Report.objects.exclude(pk__in=[r.pk for r in reports.values()]), key=lambda r: r.blocks.count()
    )
    worker = start_worker(concurrency=0)
    server = Server(ROOT)
    try:
        out = autosave_figures(server.base, reports, quick)
        out += editor_figures(server.base, reports, quick)
        out += export_figures(server.base, demo, quick)
        if compare:
            out += compare_figures(server.base, compare, reports, quick)
    finally:
        server.stop()
        stop_worker(worker)
    return out


def compare_figures(base: str, compare: Path, reports: dict[int, object], quick: bool) -> list[Figure]:
    """The same autosave figures from gunicorn started in `compare` (a checkout with the same
    migrations, e.g. the commit before a change), then the save POST alone against both servers
    in turn, request by request: before/after under the same load."""
    other = Server(compare)
    label = f"[{compare.name}] "
    try:
        out = autosave_figures(other.base, reports, quick, label=label)
        size = max(reports)
        mine, theirs = _points(reports[size], 2)
        here = Autosaver(_client(base), reports[size].pk, mine)
        there = Autosaver(_client(other.base), reports[size].pk, theirs)
        ours, before = [], []
        for _ in range(10 if quick else 40):
            ours.append(here.save())
            before.append(there.save())
        note = "两个 gunicorn 交替请求，同一数据库"
        out.append(
            Figure(
                "自动保存",
                f"保存 POST p50，{size} 段（本分支）",
                statistics.median(ours),
                "ms",
                label.strip(),
                statistics.median(before),
                note,
            )
        )
        return out
    except Exception as error:
        return [Figure("自动保存", f"{label}未完成", None, "", note=_short(error))]
    finally:
        other.stop()


def _short(error: Exception) -> str:
    return " ".join(f"{type(error).__name__}: {error}".split())[:200]


# --- the pure benchmarks of tests/bench -----------------------------------------------------------


def module_figures(section: str, module: str, quick: bool) -> list[Figure]:
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as missing:
        if missing.name != module:
            raise
        return [Figure(section, f"{module}.py 尚不存在", None, "", note="未测")]
    return [Figure(section, **row) for row in mod.figures(quick=quick)]


SECTIONS: dict[str, Callable[..., list[Figure]]] = {
    "render": lambda a, m: render_figures(a.quick),
    "placeholders": lambda a, m: placeholder_figures(a.quick),
    "import": lambda a, m: module_figures("导入", "bench_import", a.quick),
    "proofread": lambda a, m: module_figures("校对", "bench_proofread", a.quick),
    "packet": lambda a, m: module_figures("材料汇编", "bench_packet", a.quick),
    "search": lambda a, m: module_figures("搜索", "bench_search", a.quick),
    "server": lambda a, m: server_figures(a.quick, a.compare, m),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs and sizes (a smoke run)")
    parser.add_argument("--only", default="", help=f"comma-separated sections of {', '.join(SECTIONS)}")
    parser.add_argument("--compare", type=Path, help="also measure the autosave pair against this checkout")
    parser.add_argument("--no-write", action="store_true", help="print only, leave docs/benchmarks.md")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bureau.settings")
    wanted = [s for s in (args.only.split(",") if args.only else SECTIONS) if s]
    figures: list[Figure] = []
    machine: dict[str, str] = {}
    for section in sorted(wanted, key=lambda s: s == "server"):  # the server last: it sets Django up
        print(f"[run_all] {section} …", flush=True)
        try:
            figures += SECTIONS[section](args, machine)
        except Exception as error:  # one section's failure must not lose the others' figures
            traceback.print_exc()
            figures.append(Figure(section, "未完成", None, "", note=_short(error)))
    text = table(figures)
    print(text)
    if not args.no_write:
        command = "python tests/bench/run_all.py " + " ".join(sys.argv[1:])
        DOC.write_text(
            document(figures, machine_info(machine.get("postgres", "")), command.strip()), encoding="utf-8"
        )
        print(f"[run_all] written to {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
