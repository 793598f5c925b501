"""The deterministic weights both the torchvision reference generator and the torchlike test load.

Plain numpy: a value depends only on the state_dict key, its shape and dtype, so the two sides
never exchange weights, only this rule.
"""
import zlib

import numpy as np


def _rng(key: str) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(key.encode()))


def deterministic_value(key: str, shape: tuple, dtype: str):
    """The value to load for state_dict entry `key`, or None to keep the model's own (integer tables).

    Float weights with a fan-in get N(0, 1/fan_in) so activations keep their scale through deep
    nets; norm scales sit near 1, biases and running means near 0, running variances in [0.5, 1.5].
    """
    name = key.rsplit(".", 1)[-1]
    if name == "num_batches_tracked":
        return np.array(7, dtype=np.int64)
    if not dtype.startswith("float"):
        return None
    rng = _rng(key)
    shape = tuple(shape)
    if name == "running_var":
        out = rng.uniform(0.5, 1.5, shape)
    elif name == "running_mean" or (name == "bias" and len(shape) == 1):
        out = rng.normal(0.0, 0.05, shape)
    elif len(shape) <= 1:
        out = 1.0 + rng.normal(0.0, 0.1, shape)
    else:
        fan_in = int(np.prod(shape[1:]))
        out = rng.normal(0.0, 1.0 / np.sqrt(fan_in), shape)
    return out.astype(dtype)


def deterministic_input(shape: tuple) -> np.ndarray:
    """The float32 image batch every model case is run on."""
    return np.random.default_rng(0).normal(0.0, 1.0, tuple(shape)).astype(np.float32)


# (case name, builder name, builder keyword arguments, input shape): small inputs each architecture accepts.
MODEL_CASES = [
    ("resnet18", "resnet18", {}, (2, 3, 64, 64)),
    ("resnet50", "resnet50", {}, (2, 3, 64, 64)),
    ("resnext50_32x4d", "resnext50_32x4d", {"num_classes": 10}, (2, 3, 32, 32)),
    ("wide_resnet50_2", "wide_resnet50_2", {"num_classes": 10}, (2, 3, 32, 32)),
    ("resnet50_dilated", "resnet50", {"replace_stride_with_dilation": [False, True, True], "num_classes": 7},
     (2, 3, 32, 32)),
    ("vgg11_bn", "vgg11_bn", {}, (2, 3, 32, 32)),
    ("vgg11", "vgg11", {"num_classes": 10}, (2, 3, 32, 32)),
    ("alexnet", "alexnet", {}, (2, 3, 64, 64)),
    ("squeezenet1_0", "squeezenet1_0", {}, (2, 3, 48, 48)),
    ("squeezenet1_1", "squeezenet1_1", {}, (2, 3, 48, 48)),
    ("mobilenet_v2", "mobilenet_v2", {}, (2, 3, 32, 32)),
    ("mobilenet_v3_large", "mobilenet_v3_large", {}, (2, 3, 32, 32)),
    ("mobilenet_v3_small", "mobilenet_v3_small", {}, (2, 3, 32, 32)),
    ("densenet121", "densenet121", {}, (2, 3, 32, 32)),
    ("efficientnet_b0", "efficientnet_b0", {}, (2, 3, 32, 32)),
    ("efficientnet_b5", "efficientnet_b5", {"num_classes": 10}, (2, 3, 32, 32)),
    ("efficientnet_v2_s", "efficientnet_v2_s", {}, (2, 3, 32, 32)),
    ("convnext_tiny", "convnext_tiny", {}, (2, 3, 32, 32)),
    ("vit_b_16", "vit_b_16", {"image_size": 32}, (2, 3, 32, 32)),
    ("vit_b_32_head", "vit_b_32", {"image_size": 64, "representation_size": 16, "num_classes": 5},
     (2, 3, 64, 64)),
    ("regnet_y_400mf", "regnet_y_400mf", {}, (2, 3, 32, 32)),
    ("regnet_x_400mf", "regnet_x_400mf", {}, (2, 3, 32, 32)),
    ("shufflenet_v2_x0_5", "shufflenet_v2_x0_5", {}, (2, 3, 32, 32)),
    ("googlenet", "googlenet", {"init_weights": True}, (2, 3, 32, 32)),
    ("googlenet_transform", "googlenet", {"aux_logits": False, "transform_input": True, "init_weights": True,
                                          "num_classes": 10}, (2, 3, 32, 32)),
    ("inception_v3", "inception_v3", {"aux_logits": False, "init_weights": True}, (2, 3, 75, 75)),
    ("swin_t", "swin_t", {}, (2, 3, 100, 100)),  # odd sizes: window padding and patch-merging padding
]
