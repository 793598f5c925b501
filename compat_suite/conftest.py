"""pytest plugin: `--compat-report PATH` writes the suite's report (cases by area, worst
relative error per operator, registry operators without samples)."""
import os

# Tests compile thousands of tiny kernels once each: LLVM's optimisation passes would be most of
# their run time, and results agree with PyTorch at the same tolerances without them.
os.environ.setdefault("XLA_FLAGS", "--xla_backend_optimization_level=0")
# Compile counts must not depend on what an earlier run left in the on-disk program cache
# (tests/test_compilation_cache.py tests the cache itself in subprocesses).
os.environ.setdefault("TORCHLIKE_COMPILATION_CACHE", "0")

import collections
import glob
import json

import jax
import pytest

from . import harness
from .catalog import expectations

# Only torchlike's own promotion table may decide a result dtype.
jax.config.update("jax_numpy_dtype_promotion", "strict")

_outcomes = collections.Counter()


def pytest_addoption(parser):
    parser.addoption("--compat-report", default=None, help="write the compatibility report (markdown) here")
    parser.addoption("--catalog-full", action="store_true", help="catalog drivers: every sample, reference inputs too")
    parser.addoption("--vision-full", action="store_true",
                     help="vision models: every torchvision case, each with a training step (else a subset)")
    parser.addoption("--catalog-update", action="store_true",
                     help="catalog drivers: rewrite compat_suite/catalog/expected.txt from this run's outcomes")


def pytest_configure(config):
    if config.getoption("--catalog-update", default=False):
        os.environ["TORCHLIKE_CATALOG_UPDATE"] = "1"


@pytest.fixture(autouse=True)
def _seeded():
    """Each process starts from a random seed, as PyTorch's does: cases start from a fixed one, so
    a run can be repeated."""
    harness.torchlike.manual_seed(0)


@pytest.fixture
def catalog_full(request):
    return bool(request.config.getoption("--catalog-full"))


def pytest_runtest_logreport(report):
    if report.when == "call" and "compat_suite" in report.nodeid:
        area = report.nodeid.split("::")[0].rsplit("/", 1)[-1].removeprefix("test_").removesuffix(".py")
        _outcomes[(area, report.outcome)] += 1


def _merge_worker_records(path: str) -> None:
    """Under pytest-xdist each worker measured its own cases: fold their records in."""
    for f in glob.glob(path + ".worker-*.json"):
        with open(f) as fh:
            for area, stats in json.load(fh).items():
                for key, err in stats.items():
                    harness._record(area, key, err)
        os.remove(f)


def _catalog_finish(session) -> None:
    """Fold the catalog drivers' outcomes across workers; rewrite expected.txt when asked."""
    worker = getattr(session.config, "workerinput", None)
    if worker is not None:
        if expectations.OUTCOMES:
            expectations.dump_worker(f"{expectations.PATH}.worker-{worker['workerid']}.json")
        return
    for f in glob.glob(expectations.PATH + ".worker-*.json"):
        expectations.merge_worker(f)
        os.remove(f)
    if session.config.getoption("--catalog-update") and expectations.OUTCOMES:
        expectations.write(set(expectations.OUTCOMES))


def pytest_sessionfinish(session, exitstatus):
    _catalog_finish(session)
    path = session.config.getoption("--compat-report")
    if not path:
        return
    worker = getattr(session.config, "workerinput", None)
    if worker is not None:
        with open(f"{path}.worker-{worker['workerid']}.json", "w") as fh:
            json.dump(harness.RECORD, fh)
        return
    _merge_worker_records(path)
    from .test_sweep import covered_ops
    have, missing = covered_ops()
    areas = sorted({a for a, _ in _outcomes})
    lines = ["# torchlike compatibility report", "", "Cases run against real PyTorch "
             f"{harness.torch.__version__} and torchlike {harness.torchlike.__torchlike_version__}.", "",
             "| area | passed | failed |", "|---|---|---|"]
    for a in areas:
        lines.append(f"| {a} | {_outcomes[(a, 'passed')]} | {_outcomes[(a, 'failed')]} |")
    total_p = sum(v for (a, o), v in _outcomes.items() if o == "passed")
    total_f = sum(v for (a, o), v in _outcomes.items() if o == "failed")
    lines += [f"| **total** | **{total_p}** | **{total_f}** |", "",
              f"Registry operators: {len(have) + len(missing)}; with sweep samples: {len(have)}; "
              f"without: {len(missing)}" + (f" ({', '.join(sorted(missing))})" if missing else ""), "",
              "## Worst relative error per operator", "", "| operator | worst rel. error |", "|---|---|"]
    for name, err in sorted(harness.RECORD.get("ops", {}).items()):
        lines.append(f"| {name} | {err:.2e} |")
    from .catalog import report
    ran = expectations.OUTCOMES or expectations.load()
    lines += [""] + report.lines(ran)
    print("\n" + "\n".join(report.lines(ran, failures=False)))
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
