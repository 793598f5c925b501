"""torch._dynamo.config: the settings scripts and libraries assign. Mirrors `torch._dynamo.config`.

A module whose attributes are the settings, with PyTorch's defaults; they steer nothing here (no
Dynamo). Unknown names raise AttributeError both when read and when set, as PyTorch's config does,
so a misspelt setting is caught.
"""
from __future__ import annotations

import sys
import types

_DEFAULTS = {
    "verbose": False, "suppress_errors": False, "recompile_limit": 8, "accumulated_recompile_limit": 256,
    "fail_on_recompile_limit_hit": False, "specialize_int": False, "specialize_float": False,
    "dynamic_shapes": True, "assume_static_by_default": True, "automatic_dynamic_shapes": True,
    "force_parameter_static_shapes": True, "force_nn_module_property_static_shapes": True,
    "allow_ignore_mark_dynamic": False, "guard_nn_modules": True, "capture_scalar_outputs": False,
    "capture_dynamic_output_shape_ops": False, "optimize_ddp": True, "disable": False,
    "error_on_recompile": False, "inline_inbuilt_nn_modules": True, "allow_rnn": False,
    "trace_numpy": True, "cache_size_limit": 8, "accumulated_cache_size_limit": 256,
    "compiled_autograd": False, "log_file_name": None, "replay_record_enabled": False,
    "rewrite_assert_with_torch_assert": True, "raise_on_ctx_manager_usage": True,
    "skip_fsdp_guards": True, "skip_nnmodule_hook_guards": True, "prepare_freezing": False,
    "only_allow_pt2_compliant_ops": False, "capture_autograd_function": True, "capture_func_transforms": True,
    "use_numpy_random_stream": False, "numpy_default_float": "float64", "numpy_default_complex": "complex128",
    "numpy_default_int": "int64", "enable_cpp_guard_manager": True, "report_guard_failures": True,
}
# PyTorch keeps these two old names as aliases of the recompile limits.
_ALIASES = {"cache_size_limit": "recompile_limit", "accumulated_cache_size_limit": "accumulated_recompile_limit"}


class _ConfigModule(types.ModuleType):
    def __getattr__(self, name):
        values = self.__dict__["_values"]
        name = _ALIASES.get(name, name)
        if name in values:
            return values[name]
        raise AttributeError(f"{self.__name__}.{name} does not exist")

    def __setattr__(self, name, value):
        if name.startswith("__") or name in ("_values",):
            return super().__setattr__(name, value)
        values = self.__dict__["_values"]
        name = _ALIASES.get(name, name)
        if name not in values:
            raise AttributeError(f"{self.__name__}.{name} does not exist")
        values[name] = value

    def get_config_copy(self) -> dict:
        return dict(self.__dict__["_values"])

    def patch(self, *args, **changes):
        """Mirrors `config.patch(name=value, ...)` / `patch({"name": value})`: a context manager."""
        import contextlib
        if args:
            changes = {**args[0], **changes} if isinstance(args[0], dict) else {**{args[0]: args[1]}, **changes}

        @contextlib.contextmanager
        def patched():
            old = {k: getattr(self, k) for k in changes}
            for k, v in changes.items():
                setattr(self, k, v)
            try:
                yield
            finally:
                for k, v in old.items():
                    setattr(self, k, v)
        return patched()


_module = sys.modules[__name__]
_module.__dict__["_values"] = {k: v for k, v in _DEFAULTS.items() if k not in _ALIASES}
_module.__class__ = _ConfigModule
