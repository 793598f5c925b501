"""`python -m compat_suite --report compat_report.md [pytest args]`: run the suite, write the report."""
import sys

import pytest

args = sys.argv[1:]
if "--report" in args:
    i = args.index("--report")
    args[i] = "--compat-report"
sys.exit(pytest.main(["compat_suite", "-q", "-n", "auto", *args]))
