"""A workaround for CPython 3.11's frame-stack thrashing (python/cpython#142183).

CPython keeps Python frames in 16 KiB chunks of a per-thread stack. When calls keep crossing the
boundary between two chunks, every crossing maps a new chunk and every return unmaps it again;
3.13 and later keep a spare chunk, 3.11 does not. Under gunicorn, a GraphQL page's per-field
calls happened to straddle such a boundary: 2,800 mmap/munmap pairs per request for a page of
100 orgs, a third of the worker's CPU time (strace, /proc/<pid>/stat; bench/README.md).

`run_in_roomy_chunk(fn)` calls `fn` from a frame too large for any ordinary chunk, so CPython
gives that frame a chunk of its own with room to spare, and the whole request runs inside that
one chunk: one mapping per request instead of thousands, wherever the boundary would have fallen.
"""

from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

# Local variable slots of the wide frame: 8 bytes each. CPython rounds the chunk up to a power of
# two (16 KiB doubled until the frame fits), so ~136 KiB of slots get a 256 KiB chunk with ~120 KiB
# (about 400 ordinary frames) left for the request.
_WIDE_FRAME_SLOTS = 17_000


def _wide_function() -> Callable[[Callable[[], T]], T]:
    # The assignments after `return` never run; they only make the compiler reserve the slots.
    body = "; ".join(f"_{i} = 0" for i in range(_WIDE_FRAME_SLOTS))
    source = f"def run_in_roomy_chunk(fn):\n    return fn()\n    {body}\n"
    namespace: dict[str, object] = {}
    exec(compile(source, __file__, "exec"), namespace)  # noqa: S102 - fixed source, no input
    return namespace["run_in_roomy_chunk"]  # type: ignore[return-value]


run_in_roomy_chunk = _wide_function()
