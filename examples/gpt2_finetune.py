"""Fine-tune a GPT-2 language model with Hugging Face transformers, a plain PyTorch script.

Run it on torchlike with no PyTorch installed (transformers imports `torch`, which the runner
resolves to torchlike):

    pip install transformers
    python -m torchlike run examples/gpt2_finetune.py --steps 60
    python -m torchlike run examples/gpt2_finetune.py --model-dir path/to/gpt2 --text my_corpus.txt

With `--model-dir` it loads a saved checkpoint (`save_pretrained` layout with `pytorch_model.bin`;
safetensors files cannot be loaded yet). Without it, it builds a small GPT-2 from a config and
trains it from scratch on bytes (no tokenizer download): the loss falls well below log(256) = 5.5
within a few dozen steps. The same file runs unchanged on real PyTorch.
"""
from __future__ import annotations

import argparse
import math
import time

import torch
from transformers import GPT2Config, GPT2LMHeadModel

DEFAULT_TEXT = ("It was the best of times, it was the worst of times, it was the age of wisdom, it was the age of "
                "foolishness, it was the epoch of belief, it was the epoch of incredulity, it was the season of "
                "Light, it was the season of Darkness, it was the spring of hope, it was the winter of despair. ") * 8


def batches_of(ids: list, block: int, batch: int, generator: torch.Generator):
    """Random windows of the token ids (the model shifts them into labels itself)."""
    data = torch.tensor(ids, dtype=torch.long)
    while True:
        starts = torch.randint(0, len(data) - block, (batch,), generator=generator)
        yield torch.stack([data[s:s + block] for s in starts.tolist()])


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--model-dir", default=None, help="a saved GPT-2 (save_pretrained) to fine-tune")
    p.add_argument("--text", default=None, help="a text file to train on (default: a built-in passage)")
    p.add_argument("--steps", type=int, default=60)
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--block", type=int, default=64)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--device", default="cpu")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()

    torch.manual_seed(args.seed)
    text = open(args.text, encoding="utf-8").read() if args.text else DEFAULT_TEXT
    if args.model_dir:
        from transformers import AutoTokenizer
        tokenizer = AutoTokenizer.from_pretrained(args.model_dir)
        encode, decode = (lambda s: tokenizer(s)["input_ids"]), tokenizer.decode
        model = GPT2LMHeadModel.from_pretrained(args.model_dir, use_safetensors=False)
    else:
        encode, decode = (lambda s: list(s.encode("utf-8"))), (lambda ids: bytes(ids).decode("utf-8", "replace"))
        config = GPT2Config(vocab_size=256, n_positions=args.block, n_embd=128, n_layer=2, n_head=4,
                            bos_token_id=0, eos_token_id=0)
        model = GPT2LMHeadModel(config)
    model.to(args.device).train()

    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: min(1.0, (s + 1) / 10))
    batches = batches_of(encode(text), args.block, args.batch, torch.Generator().manual_seed(args.seed))
    start = time.perf_counter()
    for step in range(1, args.steps + 1):
        ids = next(batches).to(args.device)
        loss = model(input_ids=ids, labels=ids).loss
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        if step == 1 or step % 10 == 0 or step == args.steps:
            print(f"step {step:4d}  loss {loss.item():.4f}  ({time.perf_counter() - start:.1f} s)", flush=True)

    model.eval()
    prompt = torch.tensor([encode("It was the ")], device=args.device)
    with torch.no_grad():
        out = model.generate(prompt, max_new_tokens=40, do_sample=False, pad_token_id=0)
    print("sample:", decode(out[0].tolist()))
    print(f"final loss {loss.item():.4f} (uniform over the vocabulary: {math.log(model.config.vocab_size):.4f})")


if __name__ == "__main__":
    main()
