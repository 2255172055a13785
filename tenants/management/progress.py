"""The progress bar of the commands that generate districts (on stderr, one line per district)."""

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from tqdm import tqdm

from backend.demo.generator import Progress


@contextmanager
def progress_bar(label: str, *, enabled: bool = True) -> Iterator[Progress | None]:
    """A `Progress` callback drawing `label: stage` and the stage's bar; None when disabled."""
    if not enabled:
        yield None
        return
    with tqdm(file=sys.stderr, desc=label, unit="", leave=False) as bar:
        current = ""

        def advance(stage: str, done: int, total: int) -> None:
            nonlocal current
            if stage != current:
                current = stage
                bar.set_description(f"{label}: {stage}", refresh=False)
                bar.reset(total=total)
            bar.update(done - bar.n)

        yield advance
