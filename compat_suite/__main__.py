"""`python -m compat_suite [--report [PATH]] [--catalog [--full] [--update]] [pytest args]`.

--report       alone: print the catalogs' coverage per family and every known failure, as
               recorded in compat_suite/catalog/expected.txt (runs nothing).
--report PATH  run the suite and write the report (cases by area, the catalogs' coverage per family
               with the known failures); the coverage table is printed too.
--catalog      run only the catalog drivers (op_db, module_db, optim_db, API surface).
--full         with the catalog: every sample and the reference inputs (CI runs a fixed subset).
--update       rewrite compat_suite/catalog/expected.txt from this run's outcomes.
"""
import glob
import os
import sys

import pytest

args = sys.argv[1:]
if "--report" in args:
    i = args.index("--report")
    if i + 1 == len(args) or args[i + 1].startswith("-"):
        from compat_suite.catalog import expectations, report
        print("\n".join(report.lines(expectations.load(), failures=True)))
        sys.exit(0)
targets = ["compat_suite"]
if "--report" in args:
    args[args.index("--report")] = "--compat-report"
if "--catalog" in args:
    args.remove("--catalog")
    targets = sorted(glob.glob(os.path.join(os.path.dirname(__file__), "test_catalog_*.py")))
for flag in ("--full", "--update"):
    if flag in args:
        args[args.index(flag)] = "--catalog-" + flag[2:]
sys.exit(pytest.main([*targets, "-q", "-n", "auto", *args]))
