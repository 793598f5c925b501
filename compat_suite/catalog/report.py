"""Coverage of PyTorch's catalogs: entries passing / total per family, and the known failures.

`python -m compat_suite.catalog.report` prints it from expected.txt (what the last update
recorded); `python -m compat_suite --report PATH` writes it from the run itself.
"""
from __future__ import annotations

import collections

from . import expectations


def _family_rows(table: dict) -> list[str]:
    rows = ["| family | entries | pass | fail | missing (no counterpart) | out of scope | pass of present |",
            "|---|---|---|---|---|---|---|"]
    for family, s in sorted(expectations.summary(table).items()):
        present = s["entries"] - s["missing"] - s["out_of_scope"]
        share = f"{100 * s['pass'] / present:.1f} %" if present else "-"
        rows.append(f"| {family} | {s['entries']} | {s['pass']} | {s['fail']} | {s['missing']} | "
                    f"{s['out_of_scope']} | {share} |")
    return rows


def aspect_counts(table: dict, family: str) -> collections.Counter:
    """How many entries of a family fail each aspect (forward, grad, gradgrad, ...)."""
    c = collections.Counter()
    for statuses in table.get(family, {}).values():
        for st in statuses:
            if st.startswith("fail:"):
                c[st[5:]] += 1
    return c


def lines(table: dict, failures: bool = True) -> list[str]:
    out = ["## PyTorch's catalogs", "",
           "Every entry of `op_db`, `module_db` and `optim_db` (torch.testing._internal) and every public "
           "name of the API surface, as recorded in `compat_suite/catalog/expected.txt`.", ""]
    out += _family_rows(table)
    for family in sorted(table):
        c = aspect_counts(table, family)
        if c:
            out += ["", f"{family} failures by aspect: " + ", ".join(f"{k} {v}" for k, v in c.most_common())]
    if failures:
        for family in sorted(table):
            bad = {e: s for e, s in table[family].items() if any(k.startswith("fail:") for k in s)}
            if not bad:
                continue
            out += ["", f"### {family}: known failures", ""]
            for entry, statuses in sorted(bad.items()):
                for st, reason in sorted(statuses.items()):
                    if st.startswith("fail:"):
                        out.append(f"- `{entry}` {st[5:]}: {reason}")
    return out


if __name__ == "__main__":
    print("\n".join(lines(expectations.load(), failures=False)))
