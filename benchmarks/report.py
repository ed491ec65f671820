"""The benchmarks' report: the Markdown tables, the plot, and the docs page they go into."""

from __future__ import annotations

import statistics
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEERS = ["autograd", "jax", "jax.jit", "torch", "tangent"]


def memory_table(results: list[dict]) -> str:
    lines = [
        "| loop | snapshots | taped peak | checkpointed peak | memory ratio (target) | taped s "
        "| checkpointed s | time ratio (target) | met |",
        "|---|---:|---:|---:|---:|---:|---:|---:|:-:|",
    ]
    for r in results:
        memory = r["checkpointed_peak_bytes"] / r["taped_peak_bytes"]
        slower = r["checkpointed_s"] / r["taped_s"]
        met = memory <= r["memory_target"] and slower <= r["time_target"]
        lines.append(
            f"| {r['title']} | {r['snapshots']} | {r['taped_peak_bytes'] / 1e6:.1f} MB "
            f"| {r['checkpointed_peak_bytes'] / 1e6:.2f} MB | **1/{1 / memory:.0f}** "
            f"(1/{1 / r['memory_target']:.0f}) | {r['taped_s']:.3f} | {r['checkpointed_s']:.3f} "
            f"| **{slower:.1f}** ({r['time_target']:g}) | {'yes' if met else 'no'} |"
        )
    return "\n".join(lines) + "\n"


def fmt_us(us: float) -> str:
    if us >= 1e5:
        return f"{us / 1e3:,.0f} ms"
    if us >= 100:
        return f"{us:,.0f}"
    if us >= 10:
        return f"{us:.1f}"
    return f"{us:.2f}"


def fmt_ratio(r: float) -> str:
    return f"{r:,.0f}" if r >= 100 else f"{r:.1f}" if r >= 10 else f"{r:.2f}"


def reference(systems: dict) -> tuple[str, float] | None:
    """The hand-written reference s2sad's target is set against: the sharper one where
    there is one."""
    for name in ["hand (sharper)", "hand"]:
        if "us" in systems.get(name, {}):
            return name, systems[name]["us"]
    return None


def table(results: list[dict]) -> str:
    """The report, as Markdown."""
    lines = [
        "| benchmark | hand-written µs | s2sad µs | s2sad / hand | target | met | s2sad / primal "
        "| first call ms | cached first call ms | dispatch µs |",
        "|---|---:|---:|---:|---:|:-:|---:|---:|---:|---:|",
    ]
    for res in results:
        s = res["systems"]
        ref, ours = reference(s), s.get("s2sad", {})
        if ref is None or "us" not in ours:
            lines.append(f"| {res['title']} | | | | | | | | | {ours.get('skipped', '')} |")
            continue
        which, hand_us = ref
        ratio = ours["us"] / hand_us
        shown = f"{ratio:.2f}"
        if which != "hand":  # the ratio to the algorithm's own derivative beside it
            shown += f" ({ours['us'] / s['hand']['us']:.2f} to the loop)"
        primal = f"{ours['us'] / s['primal']['us']:.1f}" if "us" in s.get("primal", {}) else ""
        direct = s.get("s2sad (no dispatch)", {})
        # the dispatcher's checks cost well under a microsecond: below the noise of longer calls
        dispatch = f"{ours['us'] - direct['us']:+.2f}" if "us" in direct and ours["us"] < 10 else ""
        warm = res.get("s2sad_warm_first_call_ms")
        warm = f"{warm:.1f}" if warm == warm and warm is not None else ""
        lines.append(
            f"| {res['title']} | {fmt_us(hand_us)} | {fmt_us(ours['us'])} | **{shown}** "
            f"| {res['target']:g} | {'yes' if ratio <= res['target'] else 'no'} | {primal} "
            f"| {ours['first_call_ms']:.1f} | {warm} | {dispatch} |"
        )
    startup = [(r["s2sad_import_ms"], r["s2sad_startup_ms"]) for r in results if "s2sad_startup_ms" in r]
    if startup:
        imports, firsts = zip(*startup)
        lines += [
            "",
            f"First call: transforming and compiling the benchmark's function, then one call, in a "
            f"process where s2sad has already run once. That one-time start-up is extra: importing "
            f"s2sad takes {statistics.median(imports):.0f} ms and its first transform "
            f"{statistics.median(firsts):.0f} ms (medians over the benchmark processes). Cached first "
            f"call: the same in a new process, where the generated source is found in s2sad's disk "
            f"cache. Dispatch: what the dispatcher's checks add to a call (s2sad minus its generated "
            f"function called directly), shown where a call takes under 10 µs. Where a sharper "
            f"hand-written reference exists (a closed form), the ratio and target are against it.",
        ]
    lines += compiled_table(results) + peers_table(results) + tape_table(results)
    return "\n".join(lines) + "\n"


def compiled_table(results: list[dict]) -> list[str]:
    rows = []
    for res in results:
        s = res["systems"]
        ours, jit, hand = s.get("s2sad numba", {}), s.get("jax.jit", {}), s.get("hand", {})
        if not ours or "us" not in hand:
            continue
        if "us" not in ours:
            rows.append(f"| {res['title']} | skipped: {ours.get('skipped', '')} | | | | | | |")
            continue
        against = res.get("compiled_against", "hand")
        target = res.get("compiled_target")
        to_hand = ours["us"] / hand["us"]
        to_jit = ours["us"] / jit["us"] if "us" in jit else None
        measured = to_jit if against == "jax.jit" else to_hand
        met = "" if target is None or measured is None else "yes" if measured <= target else "no"
        jit_first = f"{jit['first_call_ms']:,.0f}" if "us" in jit else ""
        rows.append(
            f"| {res['title']} | {fmt_us(ours['us'])} | **{fmt_ratio(to_hand)}** "
            f"| {fmt_ratio(to_jit) if to_jit else ''} "
            f"| {f'{target:g} × {against}' if target else ''} | {met} "
            f"| {ours['first_call_ms']:,.0f} | {jit_first} |"
        )
    if not rows:
        return []
    return [
        "",
        'Compiled: s2sad\'s generated code compiled with numba (`grad(f, compile="numba")`), against the '
        "hand-written NumPy gradient and against `jax.jit`; first calls include compiling:",
        "",
        "| benchmark | s2sad numba µs | / hand | / jax.jit | target | met | first call ms "
        "| jax.jit first call ms |",
        "|---|---:|---:|---:|---:|:-:|---:|---:|",
        *rows,
    ]


def peers_table(results: list[dict]) -> list[str]:
    lines = [
        "",
        "Peers, as time per call over the hand-written gradient's (µs per call in brackets):",
        "",
        "| benchmark | s2sad | s2sad forward | autograd | JAX | jax.jit | jax.jit compile ms | PyTorch "
        "| tangent-ad |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    notes: dict[str, str] = {}
    for res in results:
        s = res["systems"]
        hand = s.get("hand", {}).get("us")
        cells = []
        for system in ["s2sad", "s2sad forward", *PEERS]:
            entry = s.get(system)
            if entry is None:
                cells.append("")
            elif "us" not in entry:
                mark = notes.setdefault(entry["skipped"], f"[{len(notes) + 1}]")
                cells.append(f"skipped {mark}")
            else:
                ratio = fmt_ratio(entry["us"] / hand) if hand else "?"
                cells.append(f"{ratio} ({fmt_us(entry['us'])})")
            if system == "jax.jit":
                cells.append(f"{entry['first_call_ms']:,.0f}" if entry and "us" in entry else "")
        lines.append(f"| {res['title']} | " + " | ".join(cells) + " |")
    if notes:
        lines.append("")
        lines += [f"{mark} {why}  " for why, mark in notes.items()]
    return lines


def tape_table(results: list[dict]) -> list[str]:
    rows = [
        f"| {res['title']} | {res['tape_bytes_per_step']['s2sad']:,.0f} "
        f"| {res['tape_bytes_per_step']['hand']:,.0f} |"
        for res in results
        if "tape_bytes_per_step" in res
    ]
    if not rows:
        return []
    return [
        "",
        'Memory: the peak memory of one call of the reverse-mode gradient (`mode="reverse"`: its tape, '
        "mostly) and of the hand-written gradient, in bytes per step of the loop (tracemalloc):",
        "",
        "| benchmark | s2sad reverse B/step | hand-written B/step |",
        "|---|---:|---:|",
        *rows,
    ]


def plot(results: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    systems = ["s2sad", "s2sad numba", *PEERS]
    colours = {
        "s2sad": "#1f77b4",
        "s2sad numba": "#aec7e8",
        "tangent": "#9467bd",
        "autograd": "#ff7f0e",
        "jax": "#2ca02c",
        "jax.jit": "#98df8a",
        "torch": "#d62728",
    }
    fig, ax = plt.subplots(figsize=(9, 0.55 * len(results) + 1.5))
    height = 0.8 / len(systems)
    for k, system in enumerate(systems):
        ys, xs = [], []
        for i, res in enumerate(results):
            entry, hand = res["systems"].get(system, {}), res["systems"].get("hand", {})
            if "us" in entry and "us" in hand:
                ys.append(i + (k - (len(systems) - 1) / 2) * height)
                xs.append(entry["us"] / hand["us"])
        ax.barh(ys, xs, height=height, color=colours[system], label=system)
    ax.axvline(1.0, color="black", linewidth=0.8)
    ax.set_xscale("log")
    ax.set_yticks(range(len(results)), [res["title"] for res in results])
    ax.invert_yaxis()
    ax.set_xlabel("time per call / hand-written gradient (log scale; lower is better)")
    ax.legend(loc="lower right", fontsize="small")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_section(name: str, text: str) -> None:
    """``text`` between docs/benchmarks.md's ``<!-- name: begin -->`` and ``<!-- name: end -->``."""
    page = ROOT / "docs" / "benchmarks.md"
    begin, end = f"<!-- {name}: begin -->", f"<!-- {name}: end -->"
    head, rest = page.read_text().split(begin)
    _, tail = rest.split(end)
    page.write_text(f"{head}{begin}\n{text}{end}{tail}")


def write_docs(report: str, png: Path) -> None:
    write_section("results", report)
    target = ROOT / "docs" / "img" / "benchmarks.png"
    target.parent.mkdir(exist_ok=True)
    target.write_bytes(png.read_bytes())
