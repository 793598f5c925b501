"""The line budgets of DESIGN.md: a file that outgrows its budget is split by family."""
from pathlib import Path

PKG = Path(__file__).resolve().parent.parent / "torchlike"
BUDGETS = {"_autograd.py": 300, "_tensor.py": 600}


def test_line_budgets():
    over = []
    for f in PKG.rglob("*.py"):
        n = len(f.read_text().splitlines())
        limit = BUDGETS.get(f.name if f.parent == PKG else "", 800)
        if n > limit:
            over.append(f"{f.relative_to(PKG.parent)}: {n} lines > {limit}")
    assert not over, "\n".join(over)


# ----- layering: the core imports nothing above it -----
import ast  # noqa: E402

# The layers from the bottom: the core (tensor, dtypes, devices, the tape, view index maps, modes, import-time
# configuration, the result namedtuples of torch.return_types), the engine that executes calls, the
# operator definitions. Everything else (torch namespaces, nn,
# optim, ...) sits above them and may import any of them.
CORE = {"_dtype", "_device", "_tensor", "_autograd", "_views", "_state", "_interrupt", "_program_budget", "_random",
        "_config", "_hooks", "return_types"}
LAYERS = ("core", "engine", "ops", "above")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PKG.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _layer(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 2 and parts[1] in CORE:
        return "core"
    if len(parts) >= 2 and parts[1] == "_engine":
        return "engine"
    if len(parts) >= 2 and parts[1] == "_ops":
        return "ops"
    return "above"


def _imports(path: Path, module: str):
    """(imported module, line) for every torchlike import in the file, at any depth (inside functions too).
    `from pkg import name` counts as importing pkg.name when that is a module, else pkg."""
    is_pkg = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")[:len(module.split(".")) - node.level + is_pkg]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            targets = [f"{target}.{a.name}" if _is_module(f"{target}.{a.name}") else target for a in node.names]
        else:
            continue
        for t in targets:
            if t == "torchlike" or t.startswith("torchlike."):
                yield t, node.lineno


def _is_module(name: str) -> bool:
    p = PKG.parent.joinpath(*name.split("."))
    return p.with_suffix(".py").exists() or (p / "__init__.py").exists()


def _graph():
    graph = {}
    for f in sorted(PKG.rglob("*.py")):
        m = _module_name(f)
        graph[m] = [(t, line, f) for t, line in _imports(f, m) if t != m]
    return graph


def test_core_engine_and_ops_import_nothing_above_them():
    bad = []
    for m, deps in _graph().items():
        rank = LAYERS.index(_layer(m))
        for t, line, f in deps:
            if rank < 3 and LAYERS.index(_layer(t)) > rank:
                bad.append(f"{f.relative_to(PKG.parent)}:{line} ({_layer(m)}) imports {t} ({_layer(t)})")
    assert not bad, "\n".join(bad)


def _package(module: str) -> str:
    """The package a module counts in: torchlike's top-level subpackage (torchlike.nn for
    torchlike.nn.modules.linear), or torchlike itself for the modules directly in it."""
    parts = module.split(".")
    if len(parts) >= 2 and _is_module(".".join(parts[:2])) and (PKG / parts[1]).is_dir():
        return ".".join(parts[:2])
    return "torchlike"


def test_no_import_cycle_spans_packages():
    """Cycles of imports stay inside one package. Imports of the `torchlike` namespace itself do not
    count: it is the aggregate every script imports, and modules above the operators read it."""
    graph = {m: {t for t, _, _ in deps if t != "torchlike" and t in _all_modules()} for m, deps in _graph().items()}
    bad = [sorted(c) for c in _cycles(graph) if len({_package(m) for m in c}) > 1]
    assert not bad, "\n".join(", ".join(c) for c in bad)


def _all_modules():
    if not hasattr(_all_modules, "cache"):
        _all_modules.cache = {_module_name(f) for f in PKG.rglob("*.py")}
    return _all_modules.cache


def _cycles(graph):
    """The strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(graph.get(w, ())))))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    out.append(comp)
    return out
