"""Run a parser on untrusted bytes in a child process, stopped by a time limit and a memory limit.

pdfminer can loop for ever (a ``/Pages`` reference that leads back to itself through another reference:
``resolve1`` follows it without end), recurse past Python's limit (a page tree thousands of levels deep)
or inflate a Flate stream to gigabytes. None of that may stop a run of ``gongkai extract``, so the work
on one payload runs in a forked child:

1. The child caps its address space (``RLIMIT_AS``) at what it inherited plus ``memory_limit`` bytes,
   runs ``function(body)`` and sends back the result, or the `ExtractionError` it raised, over a pipe.
2. The parent waits at most ``time_limit`` seconds for that answer, then kills the child:
   ``<kind>-timeout``.
3. A MemoryError or RecursionError in the child is ``<kind>-too-complex``; any other exception, or a
   child that dies without answering (a segfault, the kernel's OOM killer), is ``<kind>-unreadable``.

Fork rather than spawn keeps the cost per payload to milliseconds: the child starts with the parser
already imported and the body already in memory. Nothing is written to disk. Call it from the main
thread of an ordinary process: a daemonic ``multiprocessing.Pool`` worker may not fork children, and
forking while other threads hold locks is unsafe.
"""

from __future__ import annotations

import multiprocessing
import resource
import signal
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import TypeVar

from archive.errors import ExtractionError

T = TypeVar("T")


def run_limited(
    function: Callable[[bytes], T], body: bytes, *, kind: str, time_limit: float, memory_limit: int
) -> T:
    """``function(body)`` computed in a child process, or ExtractionError (codes in the module docstring)."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(function, body, memory_limit, sender))
    child.start()
    sender.close()  # the child holds its own copy; closing ours lets recv() see EOF if the child dies
    try:
        answer = receiver.recv() if receiver.poll(time_limit) else None
    except EOFError:
        answer = ("died",)
    finally:
        receiver.close()
        child.kill()  # a no-op for a child that has answered and exited
        child.join()
        exitcode = child.exitcode
        child.close()
    return _result(answer, exitcode, kind, time_limit, memory_limit)


def _child(function: Callable[[bytes], object], body: bytes, memory_limit: int, sender: Connection) -> None:
    """In the child: limit memory, run the parser, send ("ok", result) or what went wrong."""
    _limit_address_space(memory_limit)
    try:
        answer: tuple = ("ok", function(body))
    except ExtractionError as error:  # sent as fields: its three-argument __init__ does not unpickle
        answer = ("error", error.code, error.message, error.fix)
    except (MemoryError, RecursionError) as error:
        answer = ("too-complex", f"{type(error).__name__}: {error}")
    except Exception as error:
        answer = ("unreadable", f"{type(error).__name__}: {error}")
    sender.send(answer)
    sender.close()


def _limit_address_space(extra: int) -> None:
    """Cap this process's address space at its current size plus ``extra`` bytes (Linux; else no cap)."""
    try:
        with open("/proc/self/statm") as statm:
            in_use = int(statm.read().split()[0]) * resource.getpagesize()
    except OSError:
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = min([in_use + extra] + [cap for cap in (soft, hard) if cap != resource.RLIM_INFINITY])
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _result(answer: tuple | None, exitcode: int | None, kind: str, time_limit: float, memory_limit: int):
    """The child's result, or the ExtractionError its answer (or its silence) stands for."""
    name = kind.upper()
    if answer is None:
        raise ExtractionError(
            f"{kind}-timeout",
            f"{name} parsing stopped after {time_limit:g} s",
            fix="the bytes are kept; the file may loop (a reference to itself) or be huge",
        )
    if answer[0] == "ok":
        return answer[1]
    if answer[0] == "error":
        raise ExtractionError(*answer[1:])
    if answer[0] == "too-complex":
        raise ExtractionError(
            f"{kind}-too-complex",
            f"{name} is too complex to parse: {answer[1]}",
            fix=f"the bytes are kept; it nests too deep or needs over {memory_limit // 2**20} MB to parse",
        )
    why = answer[1] if answer[0] == "unreadable" else f"the parser process died ({_exit_reason(exitcode)})"
    raise ExtractionError(
        f"{kind}-unreadable", f"cannot read the {name}: {why}", fix="the bytes are kept; it may be damaged"
    )


def _exit_reason(exitcode: int | None) -> str:
    """ "signal SIGSEGV" for a child killed by a signal, else "exit code N"."""
    if exitcode is None or exitcode >= 0:
        return f"exit code {exitcode}"
    try:
        return f"signal {signal.Signals(-exitcode).name}"
    except ValueError:
        return f"signal {-exitcode}"
