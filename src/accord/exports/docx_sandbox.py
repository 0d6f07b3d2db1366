"""A company DOCX template filled in a child process with a time and a memory budget.

A company template is code written by whoever uploads it. Jinja's sandbox keeps it away from
the server's files and objects, but not from its processor and memory: two nested loops over
``range(10000)`` hold a download for many seconds, and ``{{ 'A' * 200000000 }}`` asks for
gigabytes. So a template is filled in two layers:

1. ``BudgetedSandbox`` refuses, with a precise message, the common ways to blow up: an
   operator (``*``, ``+``, ``%``, ``**``), a filter or a method call whose text or list
   grows past ``MAX_TEXT`` characters or items, or a number past ``MAX_DIGITS`` digits; and
   loops whose output (a document part, a macro, a ``{% set %}`` block) grows past
   ``MAX_DOCUMENT`` characters. Jinja's own sandbox refuses ``range()`` over 100,000.
2. Everything else (loops that print nothing, ``~`` joins that double) meets the hard
   limits of a child process: ``RLIMIT_CPU`` (``ACCORD_TEMPLATE_SECONDS`` of processor
   time), ``RLIMIT_AS`` (``ACCORD_TEMPLATE_MEMORY_MB`` of address space), and a wall-clock
   timeout in the parent, which kills a child that has not answered by then (a starved
   machine counts against the template too: the person is waiting either way).

The child is a fresh interpreter, ``python -m accord.exports.docx_sandbox SECONDS MB``, not a
fork: the web process runs request threads and the worker SMTP threads, and a fork of a
threaded process may inherit a lock another thread held and hang. A fresh interpreter also
starts with nothing of the server: it gets no environment variables (no secret key, no
database URL), imports no Django, and sets its limits before it reads its input. Starting it
costs about 0.1 s, which a Word download can afford; the built-in layout never starts one.

The conversation: on stdin, one line of JSON (the placeholders' values) and then the
template's bytes; on stdout, the filled DOCX (exit status 0) or a JSON ``TemplateError``
(exit status ``REFUSED``)."""

import functools
import io
import json
import math
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

# Longest text or list an operator, filter or call may produce, and the most digits a number
# may have. Minutes hold paragraphs, not novels; a separator line is a few dozen characters.
MAX_TEXT = 1_000_000
MAX_DIGITS = 10_000
# Longest output of a template's part (the body's XML, a header, a footer): the minutes of a
# meeting with a thousand action items are under 2,000,000 characters of Word XML.
MAX_DOCUMENT = 10_000_000

CHILD = "accord.exports.docx_sandbox"

# Exit status of a child that refused the template with a TemplateError on stdout.
REFUSED = 3

# Wall-clock time the parent allows beyond the processor budget: the child's start-up and
# the scheduler's delays on a busy machine.
WALL_CLOCK_MARGIN = 1.0


class TemplateError(Exception):
    """A company template that cannot be filled. ``kind`` says why:

    ``"not_docx"``
        the file is not a Word document;
    ``"syntax"``
        a placeholder that does not parse or fails on the record;
    ``"unknown"``
        a name Accord does not fill;
    ``"text_too_long"``, ``"number_too_long"``, ``"document_too_long"``
        a text or list, a number, or the filled document past ``limit`` characters,
        items or digits;
    ``"time"``
        filling took longer than ``limit`` seconds;
    ``"memory"``
        filling needed more than ``limit`` MB;
    ``"crashed"``
        the filling process stopped for another reason (``detail`` says which).

    ``detail`` is the parser's message and ``near`` the template text around it."""

    def __init__(self, kind: str, detail: str = "", near: str = "", limit: int = 0):
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail
        self.near = near
        self.limit = limit

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "detail": self.detail, "near": self.near, "limit": self.limit}


class OverBudget(Exception):
    """Raised inside the sandbox when a value grows past its cap; becomes the
    ``TemplateError`` of that ``kind``."""

    def __init__(self, kind: str, limit: int):
        super().__init__(kind, limit)
        self.kind = kind
        self.limit = limit


# -- the first layer: a sandbox that measures what it makes -----------------------------------


def _measured(value: Any) -> Any:
    if isinstance(value, str | bytes | list | tuple | dict) and len(value) > MAX_TEXT:
        raise OverBudget("text_too_long", MAX_TEXT)
    if isinstance(value, int) and value.bit_length() > MAX_DIGITS * math.log2(10):
        raise OverBudget("number_too_long", MAX_DIGITS)
    return value


def _sized(value: Any) -> bool:
    return isinstance(value, str | bytes | list | tuple)


def _foresee(operator: str, left: Any, right: Any) -> None:
    """Refuse an operation whose result would be too large before it takes the memory."""
    if operator == "*":
        for sequence, times in ((left, right), (right, left)):
            if _sized(sequence) and isinstance(times, int) and len(sequence) * times > MAX_TEXT:
                raise OverBudget("text_too_long", MAX_TEXT)
    elif operator == "+":
        if _sized(left) and _sized(right) and len(left) + len(right) > MAX_TEXT:
            raise OverBudget("text_too_long", MAX_TEXT)
    elif operator == "**" and _power_digits(left, right) > MAX_DIGITS:
        raise OverBudget("number_too_long", MAX_DIGITS)


def _power_digits(base: Any, exponent: Any) -> float:
    """About how many digits ``base ** exponent`` has; 0 when it is not a growing power of
    whole numbers."""
    if isinstance(base, int) and isinstance(exponent, int) and exponent > 0 and abs(base) > 1:
        return exponent * math.log10(abs(base))
    return 0


def _measuring(function):
    @functools.wraps(function)  # keeps jinja_pass_arg, so Jinja passes the same arguments
    def measured(*args, **kwargs):
        return _measured(function(*args, **kwargs))

    return measured


def _join(parts) -> str:
    """``"".join`` that stops once the output passes ``MAX_DOCUMENT``, before a loop has
    piled up gigabytes of it."""
    kept = []
    size = 0
    for part in parts:
        size += len(part)
        if size > MAX_DOCUMENT:
            raise OverBudget("document_too_long", MAX_DOCUMENT)
        kept.append(part)
    return "".join(kept)


def budgeted_sandbox():
    """Jinja's immutable sandbox, strict about unknown names, autoescaped (a "&" or "<" in
    the record must not break the document's XML), and measuring what operators, filters
    and calls make."""
    import jinja2
    import jinja2.sandbox

    class BudgetedSandbox(jinja2.sandbox.ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset({"*", "+", "%", "**"})
        concat = staticmethod(_join)

        def __init__(self, **options: Any):
            super().__init__(**options)
            self.filters = {name: _measuring(f) for name, f in self.filters.items()}

        def call_binop(self, context, operator: str, left: Any, right: Any) -> Any:
            _foresee(operator, left, right)
            return _measured(super().call_binop(context, operator, left, right))

        def call(__self, __context, __obj, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
            return _measured(super().call(__context, __obj, *args, **kwargs))

    return BudgetedSandbox(undefined=jinja2.StrictUndefined, autoescape=True)


def fill_here(template: bytes, context: dict[str, Any]) -> bytes:
    """Fill the template in this process, with the first layer only. The child calls it;
    everything else calls ``fill``."""
    import zipfile

    import jinja2
    from docxtpl import DocxTemplate
    from lxml import etree

    try:
        document = DocxTemplate(io.BytesIO(template))
        document.render(context, jinja_env=budgeted_sandbox())
        out = io.BytesIO()
        document.save(out)
    except OverBudget as error:
        raise TemplateError(error.kind, limit=error.limit) from error
    except MemoryError as error:
        raise TemplateError("memory") from error
    except jinja2.TemplateSyntaxError as error:
        raise TemplateError("syntax", error.message or "", _near(error)) from error
    except jinja2.UndefinedError as error:
        raise TemplateError("unknown", error.message or "", _near(error)) from error
    except jinja2.TemplateError as error:
        raise TemplateError("syntax", str(error), _near(error)) from error
    except (zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError) as error:
        raise TemplateError("not_docx", str(error)) from error
    except Exception as error:  # a placeholder that fails on this record (1/0, a bad call …)
        raise TemplateError("syntax", f"{type(error).__name__}: {error}", _near(error)) from error
    return out.getvalue()


def _near(error: Exception) -> str:
    lines = getattr(error, "docx_context", None) or []
    return " ".join(" ".join(line.split()) for line in lines if line.strip())[:200]


# -- the second layer: a child process with limits --------------------------------------------


def fill(template: bytes, context: dict[str, Any], *, seconds: int, memory_mb: int) -> bytes:
    """The template filled with ``context`` by a child process that may use ``seconds`` of
    processor time (and ``seconds`` + ``WALL_CLOCK_MARGIN`` of wall-clock time) and
    ``memory_mb`` of memory. ``TemplateError`` says why a template was refused."""
    source = str(Path(__file__).resolve().parents[2])  # the directory holding ``accord``
    request = json.dumps(context, ensure_ascii=True, default=str).encode() + b"\n" + template
    try:
        child = subprocess.run(
            [sys.executable, "-P", "-s", "-m", CHILD, str(seconds), str(memory_mb)],
            input=request,
            capture_output=True,
            timeout=seconds + WALL_CLOCK_MARGIN,
            env={"PYTHONPATH": source, "LANG": "C.UTF-8"},
            cwd="/",
        )
    except subprocess.TimeoutExpired as error:
        raise TemplateError("time", limit=seconds) from error
    except OSError as error:  # no process could be started (no memory, no PIDs left)
        raise TemplateError("crashed", f"could not start: {error}"[:300]) from error
    if child.returncode == 0:
        return child.stdout
    if child.returncode == REFUSED:
        try:
            refusal = json.loads(child.stdout)
            error = TemplateError(refusal["kind"], refusal["detail"], refusal["near"])
        except (ValueError, KeyError, TypeError) as unreadable:
            raise TemplateError("crashed", "an unreadable refusal") from unreadable
        error.limit = {"time": seconds, "memory": memory_mb}.get(error.kind, refusal["limit"])
        raise error
    if child.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        raise TemplateError("time", limit=seconds)
    if b"MemoryError" in child.stderr:
        raise TemplateError("memory", limit=memory_mb)
    tail = child.stderr.decode(errors="replace").strip().splitlines()[-1:]
    raise TemplateError("crashed", f"exit status {child.returncode}: {' '.join(tail)}"[:300])


def _limit(seconds: int, memory_mb: int) -> None:
    """The child's budget: at ``seconds`` of processor time the kernel sends SIGXCPU (which
    ends it), a second later SIGKILL; past ``memory_mb`` an allocation fails (MemoryError).
    No core file: a template that ran out of time is not a crash to study."""
    import resource

    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
    size = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (size, size))


def main(arguments: list[str]) -> int:
    seconds, memory_mb = int(arguments[0]), int(arguments[1])
    _limit(seconds, memory_mb)
    header, _newline, template = sys.stdin.buffer.read().partition(b"\n")
    try:
        content = fill_here(template, json.loads(header))
    except TemplateError as error:
        sys.stdout.buffer.write(json.dumps(error.as_dict()).encode())
        return REFUSED
    sys.stdout.buffer.write(content)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
