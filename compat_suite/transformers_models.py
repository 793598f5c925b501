"""Tiny Hugging Face transformers models, built the same way under real PyTorch and under torchlike
(`compat_suite/test_transformers.py`). Run as a script in a torch-free interpreter:
`transformers_models.py CHECKPOINT_DIR OUT.npz` loads each case's weights and inputs saved by real
PyTorch, runs forward with labels and backward, and writes logits, loss and parameter gradients, and each
model's state_dict with safetensors."""
import sys

CASES = {
    "gpt2": ("GPT2LMHeadModel", "GPT2Config", dict(vocab_size=64, n_embd=16, n_layer=2, n_head=2, n_positions=16)),
    "bert": ("BertForSequenceClassification", "BertConfig",
             dict(vocab_size=64, hidden_size=16, num_hidden_layers=2, num_attention_heads=2, intermediate_size=32,
                  num_labels=3)),
    "llama": ("LlamaForCausalLM", "LlamaConfig",
              dict(vocab_size=64, hidden_size=16, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
                   intermediate_size=32)),
}


def build(name: str):
    import transformers
    model_cls, config_cls, kwargs = CASES[name]
    return getattr(transformers, model_cls)(getattr(transformers, config_cls)(**kwargs))


def run(model, inputs) -> dict:
    """Forward with labels in eval mode (no dropout), backward of the loss; the results as numpy arrays."""
    model.eval()
    out = model(**inputs)
    out.loss.backward()
    res = {"logits": out.logits.detach().numpy(), "loss": out.loss.detach().numpy()}
    res.update({"grad." + k: p.grad.numpy() for k, p in model.named_parameters() if p.grad is not None})
    return res


def main(checkpoints: str, out_path: str) -> None:
    import torchlike
    torchlike.install_as_torch()
    import numpy as np
    import torch
    from safetensors.torch import save_file
    results = {}
    for name in CASES:
        saved = torch.load(f"{checkpoints}/{name}.pt")
        model = build(name)
        model.load_state_dict(saved["state"])
        results.update({f"{name}/{k}": v for k, v in run(model, saved["inputs"]).items()})
        # safetensors reads each tensor's bytes from data_ptr(); it refuses tied (shared) weights, so those
        # go through its save_model, which drops the duplicates.
        state = {k: v for k, v in model.state_dict().items() if not k.endswith("lm_head.weight")}
        save_file(state, f"{checkpoints}/{name}.safetensors")
    np.savez(out_path, **results)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
