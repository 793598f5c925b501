"""Write vision_models.npz: torchvision's state_dict layout and eval logits for each model case.

Runs with real torch + torchvision (not torchlike):  python compat_suite/reference/make_vision_models.py
Every float entry of the state_dict gets the value `_weights.deterministic_value` gives for its key,
so the torchlike test can load identical weights without the npz carrying any.
"""
import os
import sys

import numpy as np
import torch
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _weights import MODEL_CASES, deterministic_input, deterministic_value  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vision_models.npz")


def load_deterministic(model: torch.nn.Module) -> list[str]:
    """Fill the model with the shared deterministic values; return its "key|shape|dtype" records."""
    state = model.state_dict()
    records = []
    for key, value in state.items():
        dtype = str(value.dtype).removeprefix("torch.")
        records.append(f"{key}|{','.join(map(str, value.shape))}|{dtype}")
        new = deterministic_value(key, tuple(value.shape), dtype)
        if new is not None:
            state[key] = torch.from_numpy(np.asarray(new))
    model.load_state_dict(state, strict=True)
    return records


def main() -> None:
    torch.manual_seed(0)
    out = {"torchvision_version": np.array(torchvision.__version__)}
    for case, builder, kwargs, shape in MODEL_CASES:
        model = torchvision.models.get_model(builder, weights=None, **kwargs)
        records = load_deterministic(model)
        model.eval()
        with torch.no_grad():
            logits = model(torch.from_numpy(deterministic_input(shape)))
        out[f"{case}/keys"] = np.array(records)
        out[f"{case}/logits"] = logits.numpy()
        print(f"{case:24s} {len(records):4d} keys  logits {tuple(logits.shape)}  max|.| {logits.abs().max():.3g}")
    np.savez_compressed(OUT, **out)
    print("wrote", OUT, os.path.getsize(OUT), "bytes")


if __name__ == "__main__":
    main()
