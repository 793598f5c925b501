"""Weight enums and the model registry: the counterpart of `torchvision.models._api` and `._utils`.

Pretrained weights are never downloaded: `WeightsEnum.get_state_dict` reads the checkpoint from
the torch hub cache (`$TORCH_HOME/hub/checkpoints/<file name of the url>`), where torchvision
itself would have saved it.
"""
from __future__ import annotations

import enum
import functools
import os
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torchlike as torch

from ._meta import _IMAGENET_CATEGORIES

__all__ = ["Weights", "WeightsEnum", "ImageClassification", "get_model", "get_model_builder", "get_model_weights",
           "get_weight", "list_models", "register_model"]


class ImageClassification:
    """`torchvision.transforms._presets.ImageClassification`: resize, centre-crop, scale to [0, 1], normalise."""

    def __init__(self, *, crop_size: int, resize_size: int = 256, mean=(0.485, 0.456, 0.406),
                 std=(0.229, 0.224, 0.225), interpolation="bilinear", antialias: bool | None = True):
        self.crop_size = [crop_size]
        self.resize_size = [resize_size]
        self.mean = list(mean)
        self.std = list(std)
        self.interpolation = interpolation
        self.antialias = antialias

    def __call__(self, img):
        from ..transforms import functional as F
        img = F.resize(img, self.resize_size, interpolation=self.interpolation, antialias=self.antialias)
        img = F.center_crop(img, self.crop_size)
        if not isinstance(img, torch.Tensor):
            img = F.pil_to_tensor(img)
        if not img.is_floating_point():
            img = img.to(torch.float32) / 255.0
        return F.normalize(img, mean=self.mean, std=self.std)

    def __repr__(self) -> str:
        return (f"{self.__class__.__name__}(\n    crop_size={self.crop_size}\n    resize_size={self.resize_size}\n"
                f"    mean={self.mean}\n    std={self.std}\n    interpolation={self.interpolation}\n)")


@dataclass
class Weights:
    """`torchvision.models.Weights`: where a checkpoint lives, its preprocessing and its metadata."""
    url: str
    transforms: Callable
    meta: dict[str, Any] = field(default_factory=dict)

    def __eq__(self, other) -> bool:
        if not isinstance(other, Weights):
            return NotImplemented
        return self.url == other.url and self.meta == other.meta

    def __hash__(self):
        return hash(self.url)


def _entry(file: str, num_params: int, crop: int = 224, resize: int = 256, min_size=(1, 1),
           interpolation: str = "bilinear", **preset) -> Weights:
    """A Weights record for an ImageNet-1k classifier stored at download.pytorch.org/models/<file>."""
    return Weights(
        url=f"https://download.pytorch.org/models/{file}",
        transforms=functools.partial(ImageClassification, crop_size=crop, resize_size=resize,
                                     interpolation=interpolation, **preset),
        meta={"categories": _IMAGENET_CATEGORIES, "num_params": num_params, "min_size": tuple(min_size)},
    )


def _v1_v2(v1: str, v2: str, num_params: int) -> dict:
    """Weights members: IMAGENET1K_V1 and the retrained IMAGENET1K_V2, evaluated after a resize to 232."""
    return {"IMAGENET1K_V1": _entry(v1, num_params), "IMAGENET1K_V2": _entry(v2, num_params, resize=232)}


def _weights_enum(name: str, module: str, members: dict, default: str = "IMAGENET1K_V1") -> type:
    """`class <name>(WeightsEnum)` of `module` (for pickling and get_model_weights) with these members and
    DEFAULT, an alias of the member named `default`; for families whose enums differ only in data."""
    return WeightsEnum(name, {**members, "DEFAULT": members[default]}, module=module)


class WeightsEnum(enum.Enum):
    """`torchvision.models.WeightsEnum`: the base of the per-model weight enums."""

    @classmethod
    def verify(cls, obj):
        """Accept None, a member, or its name as a string; raise for another enum's member."""
        if obj is None:
            return obj
        if isinstance(obj, str):
            obj = cls[obj.replace(cls.__name__ + ".", "")]
        elif not isinstance(obj, cls):
            raise TypeError(f"Invalid Weight class provided; expected {cls.__name__} but received "
                            f"{obj.__class__.__name__}.")
        return obj

    def get_state_dict(self, *args, **kwargs):
        """Load the checkpoint from the torch hub cache; downloading is not available."""
        return _load_cached_checkpoint(self.url)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}.{self._name_}"

    # A member reads as its Weights record: `ResNet50_Weights.DEFAULT.meta` is `.value.meta`.
    url = property(lambda self: self.value.url)
    transforms = property(lambda self: self.value.transforms)
    meta = property(lambda self: self.value.meta)


def _hub_checkpoint_dir() -> str:
    """Where torch.hub keeps downloaded checkpoints: $TORCH_HOME/hub/checkpoints."""
    default_home = os.path.join(os.getenv("XDG_CACHE_HOME", "~/.cache"), "torch")
    home = os.path.expanduser(os.getenv("TORCH_HOME", default_home))
    return os.path.join(home, "hub", "checkpoints")


def _load_cached_checkpoint(url: str):
    filename = os.path.basename(url.split("?")[0])
    path = os.path.join(_hub_checkpoint_dir(), filename)
    if not os.path.isfile(path):
        raise RuntimeError(f"Pretrained weights are not downloaded by torchlike: {url} is not available. Download "
                           f"it yourself and place it at {path} (the torch hub cache, $TORCH_HOME/hub/checkpoints).")
    return torch.load(path, map_location="cpu", weights_only=True)


def _ovewrite_named_param(kwargs: dict, param: str, new_value) -> None:
    """Set kwargs[param] to what the weights require; a different explicit value is an error (torchvision)."""
    if param in kwargs:
        if kwargs[param] != new_value:
            raise ValueError(f"The parameter '{param}' expected value {new_value} but got {kwargs[param]} instead.")
    else:
        kwargs[param] = new_value


def _load_weights(model, weights, progress: bool = True) -> None:
    model.load_state_dict(weights.get_state_dict(progress=progress, check_hash=True))


def _build_model(make: Callable, weights, progress: bool, kwargs: dict, load: Callable = _load_weights):
    """`make(**kwargs)`; with weights, the classifier sized to their categories and the checkpoint loaded."""
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    model = make(**kwargs)
    if weights is not None:
        load(model, weights, progress)
    return model


def _model_builder(name: str, weights_enum: type, build: Callable, returns: str, doc: str = "",
                   legacy: bool = True) -> Callable:
    """The public builder `name(*, weights=None, progress=True, **kwargs)` of torchvision: it checks the
    weights against `weights_enum` and returns `build(weights, progress, **kwargs)`.

    The builder is registered for get_model; it lives in the module of its weights enum, and its
    annotations name that enum, which is how get_model_weights finds it. `legacy` adds the
    `pretrained=` keyword of torchvision < 0.13 (models added later never had it).
    """

    def builder(*, weights=None, progress: bool = True, **kwargs):
        return build(weights_enum.verify(weights), progress, **kwargs)

    builder.__name__ = builder.__qualname__ = name
    builder.__module__ = weights_enum.__module__
    builder.__doc__ = f"`torchvision.models.{name}`{doc}."
    builder.__annotations__ = {"weights": f"{weights_enum.__name__} | None", "progress": "bool", "return": returns}
    if legacy:
        builder = handle_legacy_interface(weights_enum.__name__, "IMAGENET1K_V1")(builder)
    return register_model(name)(builder)


def handle_legacy_interface(weights_enum_name: str, default_name: str = "DEFAULT"):
    """The `pretrained=` keyword (or first positional bool) of torchvision < 0.13, mapped to `weights=`."""

    def decorator(builder):
        @functools.wraps(builder)
        def inner(*args, **kwargs):
            if args and isinstance(args[0], bool):
                kwargs["pretrained"], args = args[0], args[1:]
            if "pretrained" in kwargs:
                pretrained = kwargs.pop("pretrained")
                warnings.warn("The parameter 'pretrained' is deprecated since 0.13 and may be removed in the "
                              "future, please use 'weights' instead.")
                if "weights" in kwargs:
                    raise ValueError("The parameters 'pretrained' and 'weights' can't be passed together.")
                enum_cls = getattr(sys.modules[builder.__module__], weights_enum_name)
                kwargs["weights"] = _legacy_weights(enum_cls, default_name, pretrained)
            return builder(*args, **kwargs)

        return inner

    return decorator


def _legacy_weights(enum_cls, default_name: str, pretrained: bool):
    if not pretrained:
        return None
    weights = getattr(enum_cls, default_name)
    warnings.warn(f"Arguments other than a weight enum or `None` for 'weights' are deprecated since 0.13 and may be "
                  f"removed in the future. The current behavior is equivalent to passing `weights={weights!r}`. You "
                  f"can also use `weights={enum_cls.__name__}.DEFAULT` to get the most up-to-date weights.")
    return weights


_BUILTIN_MODELS: dict[str, Callable] = {}


def register_model(name: str | None = None):
    """Record a builder under its name for get_model/list_models."""

    def wrapper(fn):
        key = name if name is not None else fn.__name__
        if key in _BUILTIN_MODELS:
            raise ValueError(f"An entry is already registered under the name '{key}'.")
        _BUILTIN_MODELS[key] = fn
        return fn

    return wrapper


def list_models(module=None, include=None, exclude=None) -> list[str]:
    """`torchvision.models.list_models`: registered names, optionally filtered by module and fnmatch patterns."""
    import fnmatch
    names = {k for k, v in _BUILTIN_MODELS.items()
             if module is None or v.__module__.rsplit(".", 1)[0] == module.__name__}
    if include:
        patterns = [include] if isinstance(include, str) else include
        names = {n for n in names if any(fnmatch.fnmatch(n, p) for p in patterns)}
    if exclude:
        patterns = [exclude] if isinstance(exclude, str) else exclude
        names = {n for n in names if not any(fnmatch.fnmatch(n, p) for p in patterns)}
    return sorted(names)


def get_model_builder(name: str) -> Callable:
    name = name.lower()
    try:
        return _BUILTIN_MODELS[name]
    except KeyError:
        raise ValueError(f"Unknown model {name}") from None


def get_model(name: str, **config):
    """`torchvision.models.get_model`: build a registered model by name."""
    return get_model_builder(name)(**config)


def get_model_weights(name) -> type:
    """The weights enum class of a builder (given by name or as the function)."""
    fn = get_model_builder(name) if isinstance(name, str) else name
    fn = getattr(fn, "__wrapped__", fn)
    annotation = fn.__annotations__.get("weights")
    module = sys.modules[fn.__module__]
    for cls_name in _enum_names(annotation):
        cls = getattr(module, cls_name, None)
        if isinstance(cls, type) and issubclass(cls, WeightsEnum):
            return cls
    raise ValueError(f"The weight enum for the builder {fn.__name__} was not found.")


def _enum_names(annotation) -> list[str]:
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", str(annotation))
    return [part.strip() for part in text.replace("Optional[", "").replace("]", "").split("|")]


def get_weight(name: str):
    """`torchvision.models.get_weight`: a member given as "EnumName.MEMBER"."""
    try:
        enum_name, value_name = name.split(".")
    except ValueError:
        raise ValueError(f"Invalid weight name provided: '{name}'.") from None
    for fn in _BUILTIN_MODELS.values():
        try:
            cls = get_model_weights(fn)
        except ValueError:
            continue
        if cls.__name__ == enum_name:
            return cls[value_name]
    raise ValueError(f"The weight enum '{enum_name}' for the specific method couldn't be retrieved.")


def _make_divisible(v: float, divisor: int, min_value: int | None = None) -> int:
    """Round channel counts to a multiple of `divisor`, never more than 10% down (MobileNet's rule)."""
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v
