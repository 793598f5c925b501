"""The checked-in account of every catalog entry: `expected.txt` beside this file.

One line per entry and status, tab-separated: `family  entry  status  reason`, where status is
`pass`, `missing` (torchlike has no counterpart), `fail:<aspect>` (a known failure of one aspect:
forward, grad, gradgrad, errors, method, inplace, ...), or for the API surface `gap` /
`out-of-scope`. An entry is accounted for by the set of its statuses: a run that finds another
set (a new failure, or an unexpected pass) fails its test, as PyTorch's xfail discipline does.
Reasons are one line, for people; only statuses are compared.

`python -m compat_suite --catalog --update` rewrites the lines of the families it ran.
"""
from __future__ import annotations

import collections
import fcntl
import json
import os

PATH = os.path.join(os.path.dirname(__file__), "expected.txt")
HEADER = ("# Every catalog entry and how torchlike fares on it (compat_suite/catalog/expectations.py).\n"
          "# family\tentry\tstatus\treason\n")

# family -> entry -> {status: reason}; filled by the drivers, folded across xdist workers.
OUTCOMES: dict = collections.defaultdict(dict)


def load() -> dict:
    table: dict = collections.defaultdict(dict)
    if not os.path.exists(PATH):
        return table
    with open(PATH) as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            family, entry, status, *reason = line.rstrip("\n").split("\t")
            table[family].setdefault(entry, {})[status] = reason[0] if reason else ""
    return table


_EXPECTED = None


def expected(family: str, entry: str) -> dict | None:
    global _EXPECTED
    if _EXPECTED is None:
        _EXPECTED = load()
    return _EXPECTED.get(family, {}).get(entry)


def record(family: str, entry: str, statuses: dict) -> None:
    OUTCOMES[family][entry] = statuses


def verdict(family: str, entry: str, statuses: dict) -> str | None:
    """None when the outcome is the expected one, else what differs (for the test's failure)."""
    record(family, entry, statuses)
    if os.environ.get("TORCHLIKE_CATALOG_UPDATE"):
        return None
    want = expected(family, entry)
    if want is None:
        return f"{family} {entry} is not in expected.txt; got {_show(statuses)}"
    if set(want) == set(statuses):
        return None
    new = {k: v for k, v in statuses.items() if k not in want}
    gone = [k for k in want if k not in statuses]
    return (f"{family} {entry}: expected {sorted(want)}, got {_show(statuses)}"
            + (f"; new: {_show(new)}" if new else "") + (f"; no longer: {gone}" if gone else ""))


def _show(statuses: dict) -> str:
    return "; ".join(f"{k}" + (f" ({v})" if v else "") for k, v in sorted(statuses.items()))


def dump_worker(path: str) -> None:
    with open(path, "w") as f:
        json.dump(OUTCOMES, f)


def merge_worker(path: str) -> None:
    with open(path) as f:
        for family, entries in json.load(f).items():
            OUTCOMES[family].update(entries)


def write(families=None) -> None:
    """Rewrite expected.txt: the families this run covered come from OUTCOMES, the rest stay."""
    with open(PATH + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        table = load()
        for family, entries in OUTCOMES.items():
            if families is None or family in families:
                table[family].update(entries)
        lines = []
        for family in sorted(table):
            for entry in sorted(table[family]):
                for status, reason in sorted(table[family][entry].items()):
                    reason = reason.replace("\t", " ").replace("\n", " ")
                    lines.append(f"{family}\t{entry}\t{status}\t{reason}".rstrip("\t"))
        with open(PATH, "w") as f:
            f.write(HEADER + "\n".join(lines) + "\n")
    os.remove(PATH + ".lock")


def summary(table: dict) -> dict:
    """family -> (entries, passing, missing, failing)."""
    out = {}
    for family, entries in table.items():
        n = len(entries)
        passing = sum(1 for s in entries.values() if set(s) == {"pass"})
        missing = sum(1 for s in entries.values() if "missing" in s or "gap" in s)
        scope = sum(1 for s in entries.values() if "out-of-scope" in s)
        out[family] = {"entries": n, "pass": passing, "missing": missing, "out_of_scope": scope,
                       "fail": n - passing - missing - scope}
    return out
