"""Pure: the Python loops whose length a decider decides, from the runs that varied it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["loop_lengths"]


def loop_lengths(decider: str, runs: Sequence[Mapping[str, Any]], *,
                 counted: bool) -> tuple[list[str], list[str]]:
    """The sites of the loops ``decider`` sizes, and the loops it may size unseen.

    ``runs`` are the sites (name → ``RawSite``) of the runs that varied ``decider`` alone. A
    loop is the sites one line of the model made in one call of its function (``c_0``, ``c_1``,
    … at ``c = sample(…)``; a recursion's calls, a tree's nodes, are not a loop);
    when some of them exist in some runs only, the number each run made is the loop's length
    there. Two different lengths other than none: the loop runs as often as the decider says
    (``range(int(k))``, ``while i < k``), and its sites are sized by it. One length or none
    (``if k > 2: for i in range(3)``) is a gate of a fixed-length loop, unless Python took an
    integer from the decider (``counted``: ``range(3 * int(k))``): then it may be a length
    the values tried did not show, and the second list says which loop.
    """
    lines: dict[tuple[str, int | None], list[str]] = {}
    for sites in runs:
        for name, raw in sites.items():
            key = (raw.source, raw.call)
            if raw.source is not None and name not in lines.setdefault(key, []):
                lines[key].append(name)
    sized: list[str] = []
    unsure: list[str] = []
    for key, names in lines.items():
        made = [sum(n in sites and (sites[n].source, sites[n].call) == key for n in names)
                for sites in runs]  # how many sites the line made in each run
        if len(names) < 2 or all(count == len(names) for count in made):
            continue
        lengths = set(made) - {0}
        if len(lengths) > 1:
            sized.extend(names)
        elif counted and len(names) > 2:
            unsure.append(f"the loop of {names[0]} … {names[-1]} exists only for some values "
                          f"of {decider}")
    return sized, unsure
