"""Progress of a long import: a text bar on the command line, a row count on the batch."""

from __future__ import annotations

import time
from typing import TextIO

from django.utils.translation import gettext as _

STAGES = {"validate": "校验", "write": "写入"}


class TextBar:
    """`校验 [#########-----------]  45%  90000/200000 行` on stderr, redrawn at most
    five times a second."""

    def __init__(self, stream: TextIO, width: int = 30) -> None:
        self.stream, self.width = stream, width
        self.last = 0.0
        self.stage = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        finished = total and done >= total
        if stage == self.stage and not finished and now - self.last < 0.2:
            return
        if stage != self.stage and self.stage:
            self.stream.write("\n")
        self.stage, self.last = stage, now
        total = max(total, done, 1)
        filled = int(self.width * done / total)
        bar = "#" * filled + "-" * (self.width - filled)
        label = _(STAGES.get(stage, stage))
        self.stream.write(f"\r{label} [{bar}] {100 * done // total:3d}%  {done}/{total} 行")
        self.stream.flush()

    def close(self) -> None:
        if self.stage:
            self.stream.write("\n")
            self.stream.flush()
            self.stage = ""
