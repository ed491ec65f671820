"""The binomial schedule for 8 steps and 3 copies, and its cost for a long loop."""

from s2sad.checkpointing import default_snapshots, forward_steps, show_schedule

show_schedule(8, 3)
n = 20_000
print(f"\n{n} steps: forward steps run again, by copies of the state kept")
for s in (1, 2, 3, 5, 10, default_snapshots(n), 30):
    print(f"{s:>4} copies: {forward_steps(n, s):>12,} ({forward_steps(n, s) / n:.1f} per step)")
