"""Charts inside documents: drawn with matplotlib (Agg, no display) as PNG images, in a CJK font
(黑体 where the machine has it, Noto Sans CJK otherwise), sized for an A4 page."""

from __future__ import annotations

import io
from collections.abc import Sequence

FONTS = ["SimHei", "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans CJK JP", "DejaVu Sans"]


def bar_chart(
    names: Sequence[str],
    values: Sequence[float],
    *,
    label: str,
    percent: bool = False,
    reference: float | None = None,
    reference_label: str = "",
) -> bytes:
    """Horizontal bars, one per name (in the order given, first on top), each with its value;
    ``reference`` draws a dashed line (a target, the overall score)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    shown = [v * 100 if percent else v for v in values]
    with matplotlib.rc_context({"font.sans-serif": FONTS, "axes.unicode_minus": False}):
        height = max(1.6, 0.38 * len(names) + 0.8)
        fig, ax = plt.subplots(figsize=(6.3, height), dpi=200)
        y = list(range(len(names)))[::-1]
        bars = ax.barh(y, shown, color="#3d6fb6", height=0.62)
        ax.set_yticks(y, labels=list(names), fontsize=9)
        low = min(shown) if shown else 0
        high = max(shown) if shown else 1
        span = max(high - low, 1.0)
        ax.set_xlim(max(0.0, low - span * 0.6), high + span * 0.35)
        for bar, value in zip(bars, shown, strict=True):
            text = f"{value:.1f}%" if percent else f"{value:.2f}"
            ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, " " + text,
                    va="center", fontsize=8)  # fmt: skip
        if reference is not None:
            ref = reference * 100 if percent else reference
            ax.axvline(ref, color="#c0392b", linestyle="--", linewidth=1)
            if reference_label:
                ax.text(ref, len(names) - 0.4, f" {reference_label}", color="#c0392b", fontsize=8)
        ax.set_xlabel(label, fontsize=9)
        ax.tick_params(axis="x", labelsize=8)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        fig.tight_layout()
        out = io.BytesIO()
        fig.savefig(out, format="png")
        plt.close(fig)
    return out.getvalue()
