"""The README's examples are the tool's real output.

Every ```console block of README.md is a transcript: ``$ collectctl …`` lines and, after
each, what it prints. The comment just before a block says how to replay it:

    <!-- readme-test: scenario=morning now=2026-12-04T16:30:00+08:00 columns=100 -->

``scenario`` names the data set up first (``SCENARIOS`` below); ``now`` (default
tests.conftest.NOW), ``columns`` (the terminal's width, default 100) and ``stdin`` (what
is typed, ``\\n`` between answers, for work mode) are optional. A block that cannot run
here says why: ``<!-- readme-test: skip (needs a PostgreSQL server) -->``. A console block
with no such comment fails, so a new example is checked from the day it is written.

The commands run in order, in-process, as the README's reader types them; the test adds
``--db``, ``--config`` and ``--now`` itself. ``echo $?`` prints the last exit code and
``cat FILE`` a file of the working directory; nothing else but ``collectctl`` runs. A line
``...`` in a shown output stands for any lines (none included) the README leaves out.

With COLLECTCTL_UPDATE_GOLDEN=1 (as for tests/golden_files.py) each block's outputs are
rewritten in README.md from what the commands print (lines left out stay left out); then
read ``git diff README.md``, and make the prose around a changed example agree with it.
"""

from __future__ import annotations

import difflib
import functools
import re
import shlex
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from collectctl import clock
from collectctl.cli import app
from collectctl.resources import bundled
from tests import golden_files
from tests.conftest import NOW, Cli

README = Path(__file__).resolve().parent.parent / "README.md"
MARKER = re.compile(r"^\s*<!--\s*readme-test:\s*(?P<options>.*?)\s*-->\s*$")
FENCE = re.compile(r"^(?P<indent>\s*)```console\s*$")
#: A shown line that stands for lines the README leaves out.
ELLIPSIS = "..."
DEFAULT_COLUMNS = 100
PROMPT = "$ "


# -- reading the README ------------------------------------------------------------------

@dataclass
class Step:
    """One ``$ command`` of a block and the lines shown after it."""

    command: str
    shown: list[str] = field(default_factory=list)


@dataclass
class Block:
    """A console block: where it is (``start`` is the fence's line index), its options."""

    index: int
    start: int
    end: int  # the closing fence's line index
    indent: str
    marker: str | None
    steps: list[Step]

    @property
    def name(self) -> str:
        first = self.steps[0].command.split() if self.steps else ["empty"]
        words = [w for w in first[1:] if re.fullmatch(r"\w[\w-]*", w)][:2]
        return f"{self.index + 1:02d}-" + "-".join(words or ["block"])


def console_blocks(text: str) -> list[Block]:
    """The ```console blocks of a markdown text, in order."""
    lines = text.split("\n")
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        indent = opening["indent"]
        end = i + 1
        while end < len(lines) and lines[end].strip() != "```":
            end += 1
        if end == len(lines):
            raise ValueError(f"README.md:{i + 1}: a console block is never closed")
        before = lines[i - 1] if i else ""
        found = MARKER.match(before)
        steps: list[Step] = []
        for number, raw in enumerate(lines[i + 1:end], start=i + 2):
            line = raw[len(indent):] if raw.startswith(indent) else raw.lstrip()
            if line.startswith(PROMPT):
                steps.append(Step(line[len(PROMPT):]))
            elif not steps:
                raise ValueError(f"README.md:{number}: a console block must begin with a "
                                 f"'{PROMPT}command' line")
            else:
                steps[-1].shown.append(line)
        blocks.append(Block(len(blocks), i, end, indent, found["options"] if found else None,
                            steps))
        i = end + 1
    return blocks


@dataclass
class Options:
    scenario: str
    now: str = NOW
    columns: int = DEFAULT_COLUMNS
    stdin: str | None = None


def parse_options(marker: str) -> Options | str:
    """A marker's options, or the reason it gives for skipping the block."""
    if marker.startswith("skip"):
        reason = re.fullmatch(r"skip\s*\((.+)\)", marker)
        if not reason:
            raise ValueError(f"{marker!r}: a skip says why: skip (the reason)")
        return reason[1]
    values: dict[str, str] = {}
    for word in shlex.split(marker):
        key, sep, value = word.partition("=")
        if not sep or key not in ("scenario", "now", "columns", "stdin"):
            raise ValueError(f"{word!r}: not one of scenario=, now=, columns=, stdin=")
        values[key] = value
    if "scenario" not in values:
        raise ValueError(f"{marker!r}: names no scenario= (or skip (why))")
    if values["scenario"] not in SCENARIOS:
        raise ValueError(f"scenario {values['scenario']!r} is not one of "
                         + ", ".join(sorted(SCENARIOS)))
    return Options(scenario=values["scenario"], now=values.get("now", NOW),
                   columns=int(values.get("columns", DEFAULT_COLUMNS)),
                   stdin=values["stdin"].replace("\\n", "\n") if "stdin" in values else None)


# -- comparing what is shown with what is printed ---------------------------------------

def _is_ellipsis(line: str) -> bool:
    return line.strip() == ELLIPSIS


def _segments(shown: list[str]) -> list[list[str]]:
    """The shown lines between ellipses (an ellipsis first or last gives an empty one)."""
    parts: list[list[str]] = [[]]
    for line in shown:
        if _is_ellipsis(line):
            parts.append([])
        else:
            parts[-1].append(line)
    return parts


def matches(shown: list[str], actual: list[str]) -> bool:
    """Whether ``actual`` is ``shown`` with each ellipsis standing for any lines."""
    parts = _segments(shown)
    if len(parts) == 1:
        return parts[0] == actual
    first, *middle, last = parts
    if actual[:len(first)] != first or len(actual) < len(first) + len(last):
        return False
    if last and actual[len(actual) - len(last):] != last:
        return False
    at, stop = len(first), len(actual) - len(last)
    for part in middle:
        for start in range(at, stop - len(part) + 1):
            if actual[start:start + len(part)] == part:
                at = start + len(part)
                break
        else:
            return False
    return True


def regenerate(shown: list[str], actual: list[str]) -> list[str]:
    """``actual`` as the README shows it: all of it, or, where ``shown`` leaves lines out,
    the lines matching the shown ones (changed in place, new ones between them kept) with
    the ellipses where they were. Read the diff: this is alignment, not understanding."""
    if not any(map(_is_ellipsis, shown)):
        return list(actual)
    if matches(shown, actual):
        return list(shown)
    kept = [line for line in shown if not _is_ellipsis(line)]
    # gap[k]: the ellipsis standing before kept[k] (k == len(kept): at the end), or None.
    gap: list[str | None] = [None] * (len(kept) + 1)
    k = 0
    for line in shown:
        if _is_ellipsis(line):
            gap[k] = line
        else:
            k += 1
    out: list[str] = []

    def boundary(position: int) -> None:
        if gap[position] is not None and not (out and _is_ellipsis(out[-1])):
            out.append(gap[position])

    def put(i1: int, lines: list[str]) -> None:
        """Shown lines from kept[i1] on, one for one, the ellipses between them kept."""
        for offset, line in enumerate(lines):
            if offset:
                boundary(i1 + offset)
            out.append(line)

    boundary(0)
    matcher = difflib.SequenceMatcher(None, kept, actual, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "insert":  # printed lines the README does not show: new, or left out
            if gap[i1] is None:
                out.extend(actual[j1:j2])
            continue
        if j2 - j1 == i2 - i1:  # equal, or as many lines changed in place
            put(i1, actual[j1:j2])
        elif j2 - j1 > i2 - i1 and (gap[i1] is not None or gap[i2] is not None or any(
                gap[b] is not None for b in range(i1 + 1, i2))):
            # More lines than were shown, beside or across a gap: each run of shown lines
            # takes as many (the first from the start, the last from the end, unless the
            # only run has a gap only before it); the rest fall into the gaps.
            runs = [b for b in range(i1 + 1, i2) if gap[b] is not None]
            starts, ends = [i1, *runs], [*runs, i2]
            if len(starts) == 1 and gap[i1] is not None and gap[i2] is None:
                put(i1, actual[j2 - (i2 - i1):j2])
            else:
                at = j1
                for a, b in zip(starts[:-1], ends[:-1], strict=True):
                    boundary(a)
                    put(a, actual[at:at + b - a])
                    at += b - a
                boundary(starts[-1])
                last = ends[-1] - starts[-1]
                put(starts[-1], actual[j2 - last:j2] if len(starts) > 1 else actual[at:at + last])
        else:  # shown lines gone, or fewer printed than shown
            out.extend(actual[j1:j2])
            for b in range(i1 + 1, i2):
                boundary(b)
        boundary(i2)
    return out


# -- the scenarios -----------------------------------------------------------------------

class ReadmeCli(Cli):
    """``Cli`` with the block's configuration file too."""

    def __init__(self, db: Path, config: Path, now: str) -> None:
        super().__init__(db, now)
        self.config = config

    def __call__(self, *args: str, input: str | None = None):
        base = ["--db", str(self.db), "--config", str(self.config), "--now", self.now]
        return self.runner.invoke(app, [*base, *map(str, args)], input=input)


def ok(result) -> None:
    assert result.exit_code == 0, result.output


#: The configuration every block starts with: the collector of the examples is alice.
CONFIG = "me: alice\n"
SCENARIOS: dict[str, Callable[[ReadmeCli, Path], None]] = {}


def scenario(name: str):
    def register(setup: Callable[[ReadmeCli, Path], None]):
        SCENARIOS[name] = setup
        return setup
    return register


@scenario("examples")
def _examples(cli: ReadmeCli, work: Path) -> None:
    """The two bundled account lists (accounts.csv, accounts_zh_big5.csv)."""
    for name in ("accounts.csv", "accounts_zh_big5.csv"):
        ok(cli("import", "accounts", f"examples/{name}"))


@scenario("promised")
def _promised(cli: ReadmeCli, work: Path) -> None:
    """The examples; yesterday TW-500021's debtor promised 5,000 for 10 December."""
    _examples(cli, work)
    cli.now = "2026-12-03T17:00:00+08:00"
    ok(cli("log", "TW-500021", "ptp", "-a", "5000", "-d", "2026-12-10"))
    cli.now = NOW


@scenario("morning")
def _morning(cli: ReadmeCli, work: Path) -> None:
    """The golden screens' data (tests/golden_files.a_morning): the two lists, a morning's
    calls of alice's, her month's target, a debtor's requests."""
    golden_files.a_morning(cli, Path("examples/accounts.csv"),
                           Path("examples/accounts_zh_big5.csv"))


@scenario("new_list")
def _new_list(cli: ReadmeCli, work: Path) -> None:
    """An empty database and the reader's new.csv, two of its three rows broken."""
    (work / "new.csv").write_text(
        "account_id,name,amount_due,due_date,mobile\n"
        "X-1,Broken Row,0,2026-11-01,0912345678\n"
        "X-2,Bad Date,500,113/13/45,0912345678\n"
        "X-3,Good Row,1200,2026-11-01,0912345679\n", encoding="utf-8")


@scenario("lead_assigned")
def _lead_assigned(cli: ReadmeCli, work: Path) -> None:
    """Yesterday's list gave three accounts to dave; the lead moved them to erin; today's
    list (day2.csv) still names dave, two balances changed."""
    header = "account_id,name,amount_due,mobile,timezone,assigned_to\n"
    day1 = [("D-1", 12000), ("D-2", 8000), ("D-3", 5000)]
    day2 = [("D-1", 11500), ("D-2", 7500), ("D-3", 5000)]
    for name, rows in (("day1.csv", day1), ("day2.csv", day2)):
        (work / name).write_text(header + "".join(
            f"{account},Debtor {account},{amount},091200000{n},Asia/Taipei,dave\n"
            for n, (account, amount) in enumerate(rows)), encoding="utf-8")
    ok(cli("import", "accounts", "day1.csv"))
    ok(cli("assign", "--to", "erin", "--from", "dave"))


@scenario("avoid_all_day")
def _avoid_all_day(cli: ReadmeCli, work: Path) -> None:
    """The examples; TW-100001's debtor asked for no calls on Fridays."""
    _examples(cli, work)
    ok(cli("account", "TW-100001", "--avoid", "00:00-24:00", "--days", "fri",
           "--collector", "bob"))


@scenario("learned")
def _learned(cli: ReadmeCli, work: Path) -> None:
    """The examples; TW-100002 unanswered at 09:00 and reached at 17:00, three days."""
    _examples(cli, work)
    for day in ("2026-12-01", "2026-12-02", "2026-12-03"):
        for at, outcome in (("09:00", "no-answer"), ("17:00", "rpc")):
            cli.now = f"{day}T{at}:00+08:00"
            ok(cli("log", "TW-100002", outcome, "--collector", "bob"))
    cli.now = NOW


@scenario("zones")
def _zones(cli: ReadmeCli, work: Path) -> None:
    """Two debtors whose list and phones disagree on where they are: X1 in Taipei by the
    list, New York by the phone; X2 in London by the list and a New York number too."""
    (work / "zones.csv").write_text(
        "account_id,name,amount_due,mobile,home_phone,timezone,assigned_to\n"
        "X1,Debtor X1,5000,+1 212-555-0101,,Asia/Taipei,alice\n"
        "X2,Debtor X2,5000,+44 7700 900123,+1 212-555-0102,Europe/London,alice\n",
        encoding="utf-8")
    ok(cli("import", "accounts", "zones.csv"))


@scenario("new_york")
def _new_york(cli: ReadmeCli, work: Path) -> None:
    """One account, NY, whose debtor is in New York."""
    (work / "ny.csv").write_text(
        "account_id,name,amount_due,currency,mobile,timezone,assigned_to\n"
        "NY,Debtor NY,2500,USD,+1 212-555-0101,America/New_York,alice\n", encoding="utf-8")
    ok(cli("import", "accounts", "ny.csv"))


@scenario("late_call")
def _late_call(cli: ReadmeCli, work: Path) -> None:
    """The examples; alice called US-200004 at 16:30, 03:30 in New York."""
    _examples(cli, work)
    cli.now = "2026-12-04T16:30:00+08:00"
    ok(cli("log", "US-200004", "no-answer"))
    cli.now = NOW


@scenario("day_targets")
def _day_targets(cli: ReadmeCli, work: Path) -> None:
    """The examples; alice's targets for the day (60 calls, 50,000 promised, 20,000
    collected)."""
    _examples(cli, work)
    ok(cli("target", "set", "calls=60", "promised_amount=50000", "collected=20000",
           "--period", "day"))


# -- running a block ---------------------------------------------------------------------

def _normalised(text: str, work: Path) -> list[str]:
    """Printed lines as the README holds them: no trailing blanks, the working directory
    (where the reader's files are) left out of paths."""
    text = text.replace(str(work) + "/", "")
    lines = [line.rstrip() for line in text.split("\n")]
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def run_step(cli: ReadmeCli, command: str, work: Path, last_exit: int,
             stdin: str | None) -> tuple[list[str], int]:
    """What one command prints, and its exit code."""
    words = shlex.split(command, comments=True)
    if words == ["echo", "$?"]:
        return [str(last_exit)], last_exit
    if len(words) == 2 and words[0] == "cat":
        # A file's byte order mark (the rejects file's, for Excel) is invisible on a terminal.
        text = (work / words[1]).read_text(encoding="utf-8").removeprefix("\ufeff")
        return _normalised(text, work), 0
    assert words and words[0] == "collectctl", f"{command!r}: only collectctl runs here"
    result = cli(*words[1:], input=stdin)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return _normalised(result.output, work), result.exit_code


def replay(block: Block, options: Options, work: Path, monkeypatch) -> list[list[str]]:
    """Each step's printed lines, the block's scenario set up first in ``work``."""
    from collectctl.storage import open_store

    monkeypatch.setenv("COLUMNS", str(options.columns))
    shutil.copytree(bundled("examples/accounts.csv").parent, work / "examples")
    config = work / "collectctl.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    db = work / "collectctl.db"
    open_store(db).close()
    # Work mode's clock runs on from --now; here it stands still, so the time on an
    # account reads 0:00 however long the machine takes.
    monkeypatch.setattr(clock, "ticking", lambda override, zone: functools.partial(
        clock.now, override, zone))
    cli = ReadmeCli(db, config, NOW)
    SCENARIOS[options.scenario](cli, work)
    cli.now = options.now
    printed, last_exit = [], 0
    for step in block.steps:
        lines, last_exit = run_step(cli, step.command, work, last_exit, options.stdin)
        printed.append(lines)
    return printed


def rewrite(block: Block, printed: list[list[str]]) -> None:
    """The block's outputs in README.md replaced by ``printed`` (the block found again by
    its place: an update changes no fence)."""
    text = README.read_text(encoding="utf-8")
    lines = text.split("\n")
    fresh = console_blocks(text)[block.index]
    body: list[str] = []
    for step, actual in zip(fresh.steps, printed, strict=True):
        body.append(fresh.indent + PROMPT + step.command)
        body.extend((fresh.indent + line) if line else line
                    for line in regenerate(step.shown, actual))
    lines[fresh.start + 1:fresh.end] = body
    README.write_text("\n".join(lines), encoding="utf-8")


BLOCKS = console_blocks(README.read_text(encoding="utf-8"))


@pytest.mark.parametrize("block", BLOCKS, ids=[block.name for block in BLOCKS])
def test_readme_example(block: Block, tmp_path, monkeypatch):
    where = f"README.md:{block.start + 1}"
    if block.marker is None:
        pytest.fail(f"{where}: a console block with no '<!-- readme-test: scenario=NAME -->'"
                    " (or '<!-- readme-test: skip (why) -->') on the line before it",
                    pytrace=False)
    try:
        options = parse_options(block.marker)
    except ValueError as error:
        pytest.fail(f"{where}: {error}", pytrace=False)
    if isinstance(options, str):
        pytest.skip(f"{where}: {options}")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    printed = replay(block, options, work, monkeypatch)
    if golden_files.UPDATE:
        rewrite(block, printed)
        return
    wrong = [f"$ {step.command}\n" + "\n".join(difflib.unified_diff(
                 step.shown, actual, "README", "printed", lineterm=""))
             for step, actual in zip(block.steps, printed, strict=True)
             if not matches(step.shown, actual)]
    if wrong:
        pytest.fail(f"{where}: not what the commands print:\n" + "\n".join(wrong)
                    + "\n(COLLECTCTL_UPDATE_GOLDEN=1 rewrites the README's outputs)",
                    pytrace=False)


# -- the machinery itself ----------------------------------------------------------------

def test_the_readme_has_console_blocks():
    assert len(BLOCKS) >= 10


def test_a_block_without_a_marker_is_found_and_steps_are_split():
    text = ("text\n\n```console\n$ collectctl plan\nline 1\nline 2\n$ echo $?\n0\n```\n"
            "<!-- readme-test: skip (a server) -->\n```console\n$ collectctl db migrate\n```\n")
    unmarked, skipped = console_blocks(text)
    assert unmarked.marker is None
    assert [(s.command, s.shown) for s in unmarked.steps] == [
        ("collectctl plan", ["line 1", "line 2"]), ("echo $?", ["0"])]
    assert parse_options(skipped.marker or "") == "a server"


@pytest.mark.parametrize("marker", ["scenario=nope", "now=2026-12-04T09:00+08:00",
                                    "scenario=morning colour=yes", "skip"])
def test_a_bad_marker_is_refused(marker):
    with pytest.raises(ValueError):
        parse_options(marker)


def test_a_marker_gives_the_options():
    options = parse_options("scenario=morning now=2026-12-04T16:30:00+08:00 columns=80 "
                            "stdin='5\\n\\nq\\n'")
    assert options == Options("morning", "2026-12-04T16:30:00+08:00", 80, "5\n\nq\n")


@pytest.mark.parametrize("shown, actual, result", [
    (["a", "b"], ["a", "b"], True),
    (["a", "b"], ["a", "b", "c"], False),
    (["a", "...", "d"], ["a", "b", "c", "d"], True),
    (["a", "...", "d"], ["a", "d"], True),
    (["a", "...", "d"], ["a", "b", "c"], False),
    (["...", "c", "..."], ["a", "b", "c", "d"], True),
    (["...", "x", "..."], ["a", "b", "c", "d"], False),
    (["...", "c", "...", "b", "..."], ["a", "b", "c"], False),
])
def test_an_ellipsis_stands_for_any_lines(shown, actual, result):
    assert matches(shown, actual) is result


def test_regenerating_keeps_what_was_left_out_left_out():
    shown = ["head", "...", "row 2", "row 3", "..."]
    actual = ["head 2", "row 1", "row 2", "new row", "row 3", "row 4"]
    assert regenerate(shown, actual) == ["head 2", "...", "row 2", "new row", "row 3", "..."]
    assert regenerate(["a", "b"], ["c"]) == ["c"]
    # The shown tail changed and the gap before it holds a whole new screen.
    shown = ["top", "entry 1", "  ...", "status 1", "bye"]
    actual = ["top", "entry 1b", "next 1", "next 2", "status 1b", "bye 2"]
    assert regenerate(shown, actual) == ["top", "entry 1b", "  ...", "status 1b", "bye 2"]
