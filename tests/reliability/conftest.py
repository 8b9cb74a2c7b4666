"""Reliability suite bookkeeping: each scenario's result, a CKAN consistency check after it, and one summary line.

Why here and not in each test: the summary's figures must be honest. A
scenario counts as *survived* only when its test passed and the consistency
check (tests/reliability/consistency.py) found nothing wrong with any dataset
it touched; *lost or inconsistent* is what that check finds, not what a test
claims. The check compares CKAN's served file and DataStore rows with an
independent oracle (the scenario's own values), value by value.

Each scenario leaves one record (`ScenarioResult`) with named counts —
`datasets` (dataset states checked), `values` (values compared with the
oracle), and whatever else a scenario counts with `scenario.count(name, n)` —
so new kinds of scenario add figures without changing the format. The session
ends with one line per scenario and the summary line with the totals; the
records are also written as JSON lines to the file RELIABILITY_RECORDS names,
if set.

Also collected here for the final secrets scan (test_zz_secrets_scan.py):
every token the suite uses, every log record emitted while it runs, every
text (outcome messages, exception texts) the scenarios hand in, and every
directory (state dirs with run and validation reports) they wrote.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from .consistency import Expectation, check_dataset, oracle_values, sha256_text




@dataclass
class ScenarioResult:
    name: str
    survived: bool
    inconsistent: list[str]
    counts: dict[str, int] = field(default_factory=dict)  # "datasets", "values", and any a scenario adds

    @property
    def datasets(self) -> int:
        return self.counts.get("datasets", 0)

    def to_dict(self) -> dict:
        return {"scenario": self.name, "survived": self.survived, "inconsistent": self.inconsistent, **self.counts}


@dataclass
class Ledger:
    """What the session-finish summary and the secrets scan read."""

    results: list[ScenarioResult] = field(default_factory=list)
    secrets: set[str] = field(default_factory=set)
    texts: list[tuple[str, str]] = field(default_factory=list)
    dirs: list[Path] = field(default_factory=list)
    prefect_flow_runs: list[str] = field(default_factory=list)


LEDGER = Ledger()


class _Collect(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        try:
            LEDGER.texts.append((f"log {record.name}", self.format(record)))
        except Exception:  # a record that cannot be formatted is still scanned by its raw parts
            LEDGER.texts.append((f"log {record.name}", f"{record.msg!r} {record.args!r}"))


# A safety net, not the behaviour under test: while this suite runs, a connection to any address but
# loopback is blocked and remembered (an audit hook sees every socket.connect), so a refusal test whose
# guard were broken could never reach a private or public host. test_zz_secrets_scan asserts none was tried.
NETWORK = {"on": False, "blocked": []}


def _loopback_only(event: str, args: tuple) -> None:
    if event != "socket.connect" or not NETWORK["on"]:
        return
    address = args[1]
    if isinstance(address, tuple) and address and isinstance(address[0], str):
        host = address[0].split("%", 1)[0]
        if not (host.startswith("127.") or host in ("::1", "localhost") or host.startswith("::ffff:127.")):
            NETWORK["blocked"].append(host)
            raise ConnectionRefusedError(f"reliability suite: connection to {host} blocked (loopback only)")


sys.addaudithook(_loopback_only)


@pytest.fixture(scope="session", autouse=True)
def _loopback_guard():
    NETWORK["on"] = True
    yield
    NETWORK["on"] = False


@pytest.fixture(scope="session", autouse=True)
def _capture_logs():
    """Every log record (DEBUG included: urllib3 logs full URLs) goes to the secrets scan."""
    handler = _Collect(level=logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    names = ["", "urllib3", "ckanapi", "pipelines", "prefect", "httpx"]
    saved = {}
    for name in names:
        logger = logging.getLogger(name)
        saved[name] = logger.level
        logger.addHandler(handler)
        if name in ("urllib3", "pipelines"):
            logger.setLevel(logging.DEBUG)
    yield
    for name in names:
        logging.getLogger(name).removeHandler(handler)
        logging.getLogger(name).setLevel(saved[name])


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)


class Scenario:
    """Handed to a test: say which datasets must end consistent, check CKAN mid-fault, hand in texts/dirs to scan."""

    def __init__(self, name: str):
        self.name = name
        self.portal_url: str | None = None
        self.portal_token: str | None = None
        self.expectations: list[Expectation] = []
        self.counts: Counter = Counter()

    def portal(self, url: str, token: str) -> None:
        self.portal_url, self.portal_token = url, token
        LEDGER.secrets.add(token)

    def expect(self, dataset_id: str, csv_text: str | bytes | None, rows: int | None = None,
               values: list[list[str]] | None = None) -> None:
        """`dataset_id` must end public holding these values (the last good version), checked after the test.

        The oracle is `values` (header first) when given, else `csv_text` parsed with the csv module:
        the generator's own canonical text, never a file the pipeline wrote.
        """
        self.expectations.append(_expectation(dataset_id, csv_text, rows, values))

    def expect_unpublished(self, dataset_id: str) -> None:
        """`dataset_id` must not be visible: absent, or private (its first publication never finished)."""
        self.expectations.append(Expectation(dataset_id, None, published=False))

    def check_now(self, dataset_id: str, csv_text: str | bytes | None, rows: int | None = None,
                  values: list[list[str]] | None = None) -> None:
        """Check CKAN at once — e.g. the last good version while the fault still lasts; fails the test if not."""
        assert self.portal_url and self.portal_token, "a scenario that checks CKAN must name its portal"
        checked = check_dataset(self.portal_url, self.portal_token, _expectation(dataset_id, csv_text, rows, values))
        self.count("datasets")
        self.count("values", checked.values)
        assert not checked.problems, "CKAN during the fault:\n  " + "\n  ".join(checked.problems)

    def count(self, name: str, n: int = 1) -> None:
        """Add to one of this scenario's figures in the summary (e.g. count("urls", 1000))."""
        self.counts[name] += n

    def text(self, label: str, value: object) -> None:
        LEDGER.texts.append((f"{self.name}: {label}", str(value)))

    def directory(self, path: Path) -> None:
        LEDGER.dirs.append(Path(path))

    def check(self) -> list[str]:
        if not self.expectations:
            return []
        assert self.portal_url and self.portal_token, "a scenario with datasets must name its portal"
        problems = []
        for exp in self.expectations:
            try:
                checked = check_dataset(self.portal_url, self.portal_token, exp)
            except Exception as exc:  # the portal did not answer: that dataset cannot be shown consistent
                problems.append(f"{exp.dataset_id}: consistency check failed: {type(exc).__name__}")
                continue
            self.count("datasets")
            self.count("values", checked.values)
            problems += checked.problems
        return problems


def _expectation(dataset_id: str, csv_text: str | bytes | None, rows: int | None, values) -> Expectation:
    text = csv_text.decode("utf-8") if isinstance(csv_text, bytes) else csv_text
    oracle = tuple(tuple(r) for r in values) if values is not None else (oracle_values(text) if text is not None else None)
    return Expectation(dataset_id, sha256_text(text) if text is not None else None, rows,
                       oracle, published=True)


@pytest.fixture
def scenario(request):
    """One reliability scenario: after the test, CKAN is checked and the result recorded for the summary."""
    sc = Scenario(request.node.name)
    yield sc
    problems = sc.check()
    call = getattr(request.node, "rep_call", None)
    passed = bool(call and call.passed)
    bad = {p.split(":", 1)[0] for p in problems}
    sc.counts.setdefault("datasets", 0)
    sc.counts.setdefault("values", 0)
    LEDGER.results.append(ScenarioResult(sc.name, passed and not problems, sorted(bad), dict(sc.counts)))
    if problems:
        pytest.fail("CKAN left inconsistent after the scenario:\n  " + "\n  ".join(problems), pytrace=False)


def summary_line() -> str:
    run = len(LEDGER.results)
    survived = sum(r.survived for r in LEDGER.results)
    lost = sum(len(r.inconsistent) for r in LEDGER.results)
    totals: Counter = Counter()
    for r in LEDGER.results:
        totals.update(r.counts)
    touching = sum(1 for r in LEDGER.results if r.datasets)
    extra = "".join(f", {n} {name}" for name, n in sorted(totals.items()) if name not in ("datasets", "values"))
    return (f"reliability summary: {run} scenarios run, {survived} survived, "
            f"{lost} datasets lost or left inconsistent ({totals['datasets']} dataset states checked in "
            f"{touching} scenarios, {totals['values']} values compared with the oracle in CKAN's files and "
            f"DataStore; {run - touching} scenarios touch no dataset{extra})")


def scenario_line(r: ScenarioResult) -> str:
    counts = " ".join(f"{name}={n}" for name, n in sorted(r.counts.items()))
    return f"{'survived' if r.survived else 'NOT SURVIVED'}: {r.name} {counts}{' ' + str(r.inconsistent) if r.inconsistent else ''}"


def pytest_terminal_summary(terminalreporter):
    if LEDGER.results:
        terminalreporter.write_sep("=", "reliability")
        for r in LEDGER.results:
            terminalreporter.write_line(scenario_line(r))
        terminalreporter.write_line(summary_line())
        records = os.environ.get("RELIABILITY_RECORDS")
        if records:
            Path(records).write_text("".join(json.dumps(r.to_dict()) + "\n" for r in LEDGER.results), encoding="utf-8")


# ---- fixtures shared by the scenarios ------------------------------------------------------------

@pytest.fixture
def project(tmp_path, ckan_portal, unique_name, scenario):
    """A throwaway project on the shared portal, in a unique organization; its state dir is scanned for secrets."""
    from .project import make_project

    proj = make_project(tmp_path / "project", ckan_portal.url, ckan_portal.token, unique_name("rel-org"))
    scenario.portal(ckan_portal.url, ckan_portal.token)
    scenario.directory(proj.root)
    return proj


@pytest.fixture
def small_disk(tmp_path):
    """mount(size) -> a directory on a tmpfs of `size` bytes (a real full disk, not a patched write)."""
    import subprocess

    mounted: list[Path] = []

    def mount(size: int) -> Path:
        target = tmp_path / f"disk{len(mounted)}"
        target.mkdir()
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(target)], check=True)
        mounted.append(target)
        return target

    yield mount
    for target in mounted:
        subprocess.run(["umount", str(target)], check=False)


@pytest.fixture(scope="session")
def fault_stack(ckan_portal):
    """The second portal stack (see fault_stack.py), started once for the session and removed afterwards."""
    from .fault_stack import FaultStack

    stack = FaultStack()
    try:
        stack.up()
        LEDGER.secrets.add(stack.token)
        LEDGER.dirs.append(stack.state / "logs")
        yield stack
    finally:
        stack.destroy()


@pytest.fixture
def healthy_stack(fault_stack):
    """The second stack, brought back up if an earlier scenario left a service down."""
    fault_stack.up()
    return fault_stack


@pytest.fixture
def fault_proxy(healthy_stack):
    from .proxy import FaultProxy

    proxy = FaultProxy(healthy_stack.url)
    yield proxy
    proxy.stop()


@pytest.fixture(scope="session")
def reliability_prefect():
    """Prefect's test harness (a real API server), for scenarios that run the nightly flow."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        LEDGER.prefect_flow_runs.append("harness")
        yield


def prefect_texts() -> str:
    """Every artifact, log line and flow-run state message the harness holds, as one text (for the scan)."""
    import asyncio

    from prefect.client.orchestration import get_client

    async def read() -> str:
        parts = []
        async with get_client() as client:
            for artifact in await client.read_artifacts():
                parts.append(f"{artifact.key} {artifact.description} {artifact.data}")
            offset = 0
            while True:
                logs = await client.read_logs(offset=offset, limit=200)
                parts += [log.message for log in logs]
                offset += len(logs)
                if len(logs) < 200:
                    break
            for run in await client.read_flow_runs():
                parts.append(f"{run.name} {run.parameters} {run.state.message if run.state else ''}")
        return "\n".join(parts)

    return asyncio.run(read())
