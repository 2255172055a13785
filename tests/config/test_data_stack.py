import pytest

from backend.config.data_stack import _WIDE_FRAME_SLOTS, run_in_roomy_chunk
from backend.config.wsgi import application


def test_runs_the_function_and_returns_its_value() -> None:
    assert run_in_roomy_chunk(lambda: 42) == 42


def test_exceptions_pass_through() -> None:
    def fail() -> None:
        raise LookupError("from inside")

    with pytest.raises(LookupError, match="from inside"):
        run_in_roomy_chunk(fail)


def test_the_frame_is_wider_than_a_16_kib_chunk() -> None:
    # Narrower than a chunk, CPython would place it in the shared stack and nothing would change.
    assert run_in_roomy_chunk.__code__.co_nlocals == _WIDE_FRAME_SLOTS + 1
    assert _WIDE_FRAME_SLOTS * 8 > 64 * 1024


def test_the_wsgi_application_goes_through_it() -> None:
    assert application.__code__.co_names.count("run_in_roomy_chunk") == 1
