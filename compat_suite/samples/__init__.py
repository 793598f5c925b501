"""Sample inputs for the operator sweep: one module per operator family, each registering with
`@samples("op_name")` or `add(...)`. Operators without samples of their own get generic ones from
their signature (unary, binary with broadcasting, reductions over dims); the report counts the
operators that got neither."""
import importlib
import pkgutil

from ._base import SAMPLES, Sample, default_samples, samples  # noqa: F401

for _m in pkgutil.iter_modules(__path__):
    if not _m.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_m.name}")
