"""The figures of the annual assessment's areas (消费帮扶, 劳务协作, 产业合作, 资产管护), as the
dashboard, the annual report and the briefing show them.

Which figures an area has is read from the declarations (`figure_specs.FigureSpec.area`, in
the order of `FIGURES`), and the areas come in the order of `record_types.AREAS`: a figure
declared with an area appears under it everywhere with no other edit, and an area with no
figure is not shown. Nothing here names a figure or a record type.

Figures counted in sets (`FigureSpec.in_sets`) are computed by `figure_sets.compute`, one
grouped query per figure whatever the number of pairings; a figure counted one window at a
time is made once per window asked for (never per pairing).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

from pairaid.ledger import figure_sets, record_types
from pairaid.ledger.figure_sets import FIGURES, Subject, Tree
from pairaid.ledger.figures import Figure


@dataclass(frozen=True)
class Area:
    key: str  # a key of record_types.AREAS
    label: str | Promise
    keys: tuple[str, ...]  # its figures, in the order of FIGURES


def areas() -> list[Area]:
    """The areas that have figures, in the order of `record_types.AREAS`."""
    found: dict[str, list[str]] = {area: [] for area in record_types.AREAS}
    for key, spec in FIGURES.items():
        if spec.area in found:
            found[spec.area].append(key)
    return [
        Area(area, record_types.AREAS[area], tuple(keys)) for area, keys in found.items() if keys
    ]


def compute(
    keys: Iterable[str],
    subjects: Iterable[Subject],
    *,
    as_of: dt.date,
    confirmed_only: bool = False,
    user: Any = None,
    tree: Tree | None = None,
) -> dict[Subject, dict[str, Figure]]:
    """`figure_sets.compute` for every figure of `keys`: those counted in sets together (one
    grouped query each), the others made for each subject's window."""
    keys = list(keys)
    subjects = list(dict.fromkeys(subjects))
    tree = tree or Tree(user)
    in_sets = [key for key in keys if FIGURES[key].in_sets]
    computed = figure_sets.compute(
        in_sets, subjects, as_of=as_of, confirmed_only=confirmed_only, user=user, tree=tree
    )
    alone = [key for key in keys if key not in in_sets]
    for subject in subjects:
        if alone:
            window = figure_sets.window_of(subject, tree, as_of, confirmed_only)
            for key in alone:
                computed[subject][key] = FIGURES[key].make(window, None)
    return {subject: {key: computed[subject][key] for key in keys} for subject in subjects}
