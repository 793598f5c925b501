"""The API surface as a ruler: every public name of PyTorch's (and torchvision's) main namespaces,
and whether torchlike has it.

What counts as a public name of a namespace (`public_names`):

- a module: the names in its `__all__` (where defined), plus every other name in `dir(module)`
  without a leading underscore that is callable (function, class, callable object) or one of
  torch's constant kinds (dtype, layout, memory format, qscheme), and whose `__module__` belongs
  to the library itself (`torch...` / `torchvision...`). That keeps out what a module merely
  imports (`typing.Optional`, `collections.abc.Callable`, `math`) and its docstring-template
  dicts and flags, and keeps in the C-bound functions (`torch.nn.functional.conv2d` lives in
  `torch`). Submodule objects are never names: the namespaces that matter are families of their
  own, and the rest (`torch.jit`, `torch.ao`, `torchvision.models.detection`) are not measured.
- `torch.Tensor`: every attribute of the class without a leading underscore (methods,
  properties, descriptors); dunder methods are not counted.

torch names come from the installed PyTorch at test time. torchvision does not load beside it, so
its names come from `torchvision_names.json` (beside this file), dumped by this module run under
a separate environment that has torchvision:

    python -m venv tv-venv && tv-venv/bin/pip install torch==2.14.1 torchvision==0.29.1
    tv-venv/bin/python -m compat_suite.catalog.surface --dump-torchvision

Each name maps to a torchlike path (`torch.nn.X` -> `torchlike.nn.X`, `torchvision.models.X` ->
`torchlike.vision.models.X`). A present name is `pass`; an absent one is `out-of-scope` when one
of the RULES below matches it (with the rule's one-line reason), else `gap`. The test
(compat_suite/test_catalog_surface.py) holds those statuses against expected.txt, families
`surface:<namespace>`.

`python -m compat_suite.catalog.surface` prints the coverage table and the rule counts.
"""
from __future__ import annotations

import collections
import dataclasses
import fcntl
import importlib
import json
import os
import re
import sys
import types

JSON_PATH = os.path.join(os.path.dirname(__file__), "torchvision_names.json")

# namespace -> its torchlike counterpart.
NAMESPACES = {
    "torch": "torchlike",
    "torch.Tensor": "torchlike.Tensor",
    "torch.nn": "torchlike.nn",
    "torch.nn.functional": "torchlike.nn.functional",
    "torch.linalg": "torchlike.linalg",
    "torch.fft": "torchlike.fft",
    "torch.special": "torchlike.special",
    "torch.autograd": "torchlike.autograd",
    "torch.optim": "torchlike.optim",
    "torch.utils.data": "torchlike.utils.data",
    "torchvision.datasets": "torchlike.vision.datasets",
    "torchvision.transforms": "torchlike.vision.transforms",
    "torchvision.models": "torchlike.vision.models",
}
TORCHVISION = [ns for ns in NAMESPACES if ns.startswith("torchvision")]

_CONSTANT_KINDS = {"dtype", "layout", "memory_format", "qscheme"}


def family(namespace: str) -> str:
    return f"surface:{namespace}"


# --------------------------------------------------------------------------------------------
# Listing


def _owned(obj, owner: str) -> bool:
    mod = getattr(obj, "__module__", None)
    if not isinstance(mod, str):
        mod = type(obj).__module__
    return mod == owner or mod.startswith(owner + ".")


def public_names(module: types.ModuleType, owner: str) -> list[str]:
    """A module's public names (see the module docstring)."""
    names = set()
    for n in getattr(module, "__all__", ()):
        if not n.startswith("_") and not isinstance(getattr(module, n, None), types.ModuleType):
            names.add(n)
    for n in dir(module):
        if n.startswith("_") or n in names:
            continue
        try:
            obj = getattr(module, n)
        except AttributeError:
            continue
        if isinstance(obj, types.ModuleType) or not _owned(obj, owner):
            continue
        if callable(obj) or type(obj).__name__ in _CONSTANT_KINDS:
            names.add(n)
    return sorted(names)


def _torch_object(namespace: str):
    import torch
    if namespace == "torch.Tensor":
        return torch.Tensor
    return importlib.import_module(namespace)


def torch_names(namespace: str) -> list[str]:
    if namespace == "torch.Tensor":
        import torch
        return sorted(n for n in dir(torch.Tensor) if not n.startswith("_"))
    return public_names(_torch_object(namespace), "torch")


def load_torchvision() -> dict:
    with open(JSON_PATH) as f:
        return json.load(f)


def names(namespace: str) -> list[str]:
    if namespace in TORCHVISION:
        return load_torchvision()["names"][namespace]
    return torch_names(namespace)


def dump_torchvision(path: str = JSON_PATH) -> None:
    """Write torchvision's names (run where torchvision imports; see the module docstring)."""
    import torch
    import torchvision
    data = {
        "header": {
            "torchvision": torchvision.__version__, "torch": torch.__version__,
            "python": sys.version.split()[0],
            "produced_by": "tv-venv/bin/python -m compat_suite.catalog.surface --dump-torchvision "
                           "(venv: pip install torch==2.14.1 torchvision==0.29.1)",
            "rule": "compat_suite.catalog.surface.public_names(module, owner='torchvision'): __all__ "
                    "plus public callables defined in torchvision; submodules excluded",
        },
        "names": {ns: public_names(importlib.import_module(ns), "torchvision") for ns in TORCHVISION},
    }
    with open(path, "w") as f:
        json.dump(data, f, indent=1, sort_keys=True)
        f.write("\n")


# --------------------------------------------------------------------------------------------
# Presence in torchlike


def torchlike_has(namespace: str, name: str) -> bool:
    """Is `name` reachable at the torchlike counterpart of `namespace`?"""
    parts = f"{NAMESPACES[namespace]}.{name}".split(".")
    obj = importlib.import_module(parts[0])
    for i, p in enumerate(parts[1:], start=1):
        try:
            obj = getattr(obj, p)
        except AttributeError:
            try:
                obj = importlib.import_module(".".join(parts[: i + 1]))
            except ImportError:
                return False
    return True


# --------------------------------------------------------------------------------------------
# Classification of absent names


@dataclasses.dataclass(frozen=True)
class Rule:
    tag: str
    reason: str
    namespaces: tuple = ()          # empty: every namespace
    names: frozenset = frozenset()  # exact names ...
    pattern: str | None = None      # ... or a full-match regex ...
    predicate: object = None        # ... or a test on the torch object (torch namespaces only)

    def matches(self, namespace: str, name: str, obj) -> bool:
        if self.namespaces and namespace not in self.namespaces:
            return False
        if name in self.names:
            return True
        if self.pattern is not None and re.fullmatch(self.pattern, name):
            return True
        return self.predicate is not None and obj is not None and self.predicate(obj)


def _words(s: str) -> frozenset:
    return frozenset(s.split())


def _is_pybind_class(obj) -> bool:
    return type(obj).__name__ == "pybind11_type"


def _undocumented_aten(obj) -> bool:
    return (type(obj).__name__ in ("builtin_function_or_method", "OpOverloadPacket")
            and not (getattr(obj, "__doc__", None) or "").strip())


T, TT = ("torch",), ("torch", "torch.Tensor")
TORCH_NS = tuple(ns for ns in NAMESPACES if ns not in TORCHVISION)

# First match wins; order from specific to general.
RULES = [
    Rule("quantization", "quantized tensors, qschemes and int8/fbgemm kernels (torch.ao) are outside torchlike",
         TT, pattern=r"q_.*|quantize.*|quantized_.*|fake_quantize.*|fused_moving_avg_obs_fake_quant|"
                     r"choose_qparams.*|empty_quantized|dequantize|int_repr|fbgemm_.*|qu?int\d+(x\d+)?|qscheme|"
                     r"per_(tensor|channel)_.*|is_quantized|Q[A-Za-z0-9]*Storage"),
    Rule("sparse", "sparse layouts (COO/CSR/CSC/BSR/BSC) and their kernels: torchlike tensors are dense",
         ("torch", "torch.Tensor", "torch.optim"),
         names=_words("dsmm hsmm hspmm smm spmm saddmm sspaddmm resize_as_sparse_ indices_copy values_copy "
                      "to_dense coalesce is_coalesced sparse_dim dense_dim sparse_mask indices values "
                      "is_sparse is_sparse_csr SparseAdam"),
         pattern=r"sparse_.*|to_sparse.*|(ccol|col|crow|row)_indices(_copy)?"),
    Rule("nested", "nested/jagged tensors are outside torchlike", TT,
         names=_words("jagged is_nested to_padded_tensor")),
    Rule("fp8-scaled-mm", "low-precision scaled matmul (FP8/MX block scaling) for CUDA tensor cores",
         ("torch.nn.functional",), names=_words("scaled_mm scaled_grouped_mm ScalingType SwizzleType")),
    Rule("sub-byte-dtype", "sub-byte/bit placeholder dtypes without kernels (packed storage only)", T,
         pattern=r"u?int[1-7]|bits\d+(x\d+)?|bit|float4_e2m1fn_x2"),
    Rule("complex32", "complex32 (chalf) has no XLA/JAX counterpart", TT, names=_words("complex32 chalf")),
    Rule("storage", "raw storages and data pointers: torchlike tensors are JAX arrays without "
                    "addressable, shareable storage", TT,
         names=_words("Storage StorageBase TypedStorage UntypedStorage is_storage from_file storage "
                      "untyped_storage storage_type data_ptr const_data_ptr set_ is_set_to share_memory_ "
                      "is_shared"),
         pattern=r"[A-Za-z0-9]+Storage"),
    Rule("backend-kernel", "backend-specific kernel entry point (cuDNN/MIOpen/oneDNN/native ATen, Vulkan, "
                           "IPU/XLA autocast)", T,
         pattern=r"cudnn_.*|miopen_.*|mkldnn_.*|native_(?!channel_shuffle$).*|is_vulkan_available|"
                 r"(get|set)_autocast_(ipu|xla)_.*|is_autocast_(ipu|xla)_enabled"),
    Rule("accelerator", "accelerator execution model (streams/events, XPU/MTIA/IPU/oneDNN tensors) that "
                        "torchlike does not target", TT,
         names=_words("Stream Event AcceleratorError get_device_module record_stream xpu ipu mtia to_mkldnn")),
    Rule("symbolic", "symbolic shapes and control-flow operators of torch.compile/torch.export", T,
         names=_words("cond while_loop"), pattern=r"Sym(Int|Bool|Float)|sym_.*"),
    Rule("view-copy", "non-aliasing *_copy twins of view ops, generated for functionalization backends", TT,
         pattern=r"[a-z0-9_]+_copy"),
    Rule("torchscript", "TorchScript/JIT compiler and runtime (IR, schemas, futures, script types)", T,
         names=_words("fork wait Future JITException FatalError CompilationUnit ScriptFunction parse_ir "
                      "parse_schema parse_type_comment merge_type_from_type_comment unify_type_list "
                      "import_ir_module import_ir_module_from_buffer")),
    Rule("torch-function", "__torch_function__ dispatch and tensor-subclass machinery", TORCH_NS,
         names=_words("handle_torch_function has_torch_function has_torch_function_unary "
                      "has_torch_function_variadic is_tensor_like DisableTorchFunction "
                      "DisableTorchFunctionSubclass as_subclass module_load")),
    Rule("deprecated", "deprecated or removed in PyTorch in favour of torch.linalg.* / torch.tensor / "
                       "Tensor.resize_ (measured there)", TT,
         names=_words("eig lstsq matrix_rank solve symeig set_default_tensor_type triangular_solve lu "
                      "lu_solve resize resize_as new volatile reinforce")),
    Rule("deprecated", "deprecated in PyTorch (nn.Container, NLLLoss2d)", ("torch.nn",),
         names=_words("Container NLLLoss2d")),
    Rule("deprecated", "deprecated in PyTorch (legacy autograd Function / Variable API)", ("torch.autograd",),
         names=_words("NestedIOFunction variable")),
    Rule("deprecated", "DataPipes: deprecated and removed from torchdata", ("torch.utils.data",),
         names=_words("DFIterDataPipe DataChunk IterDataPipe MapDataPipe argument_validation "
                      "functional_datapipe guaranteed_datapipes_determinism non_deterministic "
                      "runtime_validation runtime_validation_disabled")),
    Rule("internal", "internal helper that leaks into the public listing (build info, packaging, "
                     "multiprocessing setup, JIT dispatch helpers, undocumented internals, first-class-dims "
                     "hook)", TORCH_NS,
         names=_words("classproperty get_file_path prepare_multiprocessing_environment "
                      "profiler_allow_cudagraph_cupti_lazy_reinit_cuda12 compiled_with_cxx11_abi has_lapack "
                      "has_mkl has_openmp has_spectral legacy_contiguous_format factory_kwargs "
                      "assert_int_or_pair boolean_dispatch output_nr name is_distributed slice_inverse "
                      "split_with_sizes unsafe_split_with_sizes index")),
    Rule("autograd-engine", "knob of the C++ autograd engine or profiler (threads, view replay, gradient "
                            "layout, kineto); torchlike differentiates with JAX",
         ("torch.autograd",),
         names=_words("is_multithreading_enabled set_multithreading_enabled is_view_replay_enabled "
                      "enforce_grad_layout_policy kineto_available")),
    Rule("reexport", "torch.Tensor imported into the module for annotations, not an API of it",
         ("torch.fft", "torch.special", "torch.nn.functional", "torch.linalg"), names=_words("Tensor")),
    Rule("c-binding", "C++ binding class re-exported from torch._C (TorchScript types, dispatcher, "
                      "monitor, profiler, benchmark utilities)",
         ("torch", "torch.autograd", "torch.nn.functional"), names=_words("AVG SUM"),
         predicate=_is_pybind_class),
    Rule("undocumented-aten", "undocumented ATen binding in the torch namespace; its documented spelling "
                              "is a torch.nn.functional function, a Tensor method or torch.autograd", T,
         predicate=_undocumented_aten),
]


def classify(namespace: str, name: str, obj=None) -> dict:
    """{status: reason} for an absent name: the first matching rule's out-of-scope, else gap."""
    for rule in RULES:
        if rule.matches(namespace, name, obj):
            return {"out-of-scope": f"{rule.tag}: {rule.reason}"}
    return {"gap": f"{NAMESPACES[namespace]}.{name} does not exist yet"}


def _rule_tag(statuses: dict) -> str | None:
    reason = statuses.get("out-of-scope")
    return reason.split(":", 1)[0] if reason is not None else None


def statuses(namespace: str) -> dict:
    """name -> {status: reason} for every public name of the namespace."""
    holder = None if namespace in TORCHVISION else _torch_object(namespace)
    out = {}
    for n in names(namespace):
        if torchlike_has(namespace, n):
            out[n] = {"pass": ""}
        else:
            obj = getattr(holder, n, None) if holder is not None else None
            out[n] = classify(namespace, n, obj)
    return out


# --------------------------------------------------------------------------------------------
# Report


def coverage(namespaces=None) -> dict:
    """namespace -> {total, present, out_of_scope, gap, rules: Counter(tag -> count)}."""
    out = {}
    for ns in namespaces or NAMESPACES:
        st = statuses(ns)
        rules = collections.Counter(t for s in st.values() if (t := _rule_tag(s)))
        out[ns] = {"total": len(st), "present": sum("pass" in s for s in st.values()),
                   "out_of_scope": sum("out-of-scope" in s for s in st.values()),
                   "gap": sum("gap" in s for s in st.values()), "rules": rules}
    return out


def table(cov: dict) -> list[str]:
    rows = ["| namespace | present / total | out of scope | gap | present of in-scope |",
            "|---|---|---|---|---|"]
    tot = collections.Counter()
    for ns, c in cov.items():
        tot.update({k: v for k, v in c.items() if k != "rules"})
        rows.append(_row(ns, c))
    rows.append(_row("**all**", tot))
    rules = collections.Counter()
    for c in cov.values():
        rules.update(c["rules"])
    rows += ["", "| out-of-scope rule | names |", "|---|---|"]
    rows += [f"| {tag} | {n} |" for tag, n in rules.most_common()]
    return rows


def _row(ns, c) -> str:
    scope = c["total"] - c["out_of_scope"]
    share = f"{100 * c['present'] / scope:.1f} %" if scope else "-"
    return f"| {ns} | {c['present']} / {c['total']} | {c['out_of_scope']} | {c['gap']} | {share} |"


# --------------------------------------------------------------------------------------------
# expected.txt upkeep


def prune_stale(fam: str, keep) -> list[str]:
    """Drop lines of `fam` whose entry is no longer listed (a name PyTorch removed); returns them.

    expectations.write only adds and replaces entries, so an update run calls this for its family.
    """
    from . import expectations
    keep = set(keep)
    with open(expectations.PATH + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with open(expectations.PATH) as f:
            lines = f.readlines()
        gone, kept = [], []
        for line in lines:
            parts = line.split("\t")
            if not line.startswith("#") and len(parts) >= 3 and parts[0] == fam and parts[1] not in keep:
                gone.append(parts[1])
            else:
                kept.append(line)
        if gone:
            with open(expectations.PATH, "w") as f:
                f.writelines(kept)
    try:
        os.remove(expectations.PATH + ".lock")  # as expectations.write leaves it
    except FileNotFoundError:
        pass
    return sorted(set(gone))


def main(argv) -> None:
    if "--dump-torchvision" in argv:
        dump_torchvision()
        print(f"wrote {JSON_PATH}")
        return
    print("\n".join(table(coverage())))


if __name__ == "__main__":
    main(sys.argv[1:])
