#!/usr/bin/env python3
"""export.py: trains license-lm, a small byte-level GPT, and exports it with
torch-mlir to model.mlir (linalg on tensors), with sample inputs and the
frontend's f32 logits for each.

Run by hand (never by CI: PyPI's torch wheel is ~5 GB), from anywhere:

  python3 -m venv /work/venv-torch
  /work/venv-torch/bin/pip install torch==2.15.0 torch-mlir==20261001 numpy
  /work/venv-torch/bin/python examples/models/license-lm/export.py

It trains on the CPU (about 15 minutes on 2 idle cores) on the regular files of
Debian's /usr/share/common-licenses, saves the weights to checkpoint.pt
beside this script (not committed; a rerun loads it instead of training,
--retrain trains again), and writes, beside this script:

  model.mlir            torch_mlir.fx.export_and_import(...,
                        output_type="linalg-on-tensors"): @main takes
                        tensor<1x64xi64> byte ids, returns
                        tensor<1x64x256xf32> next-byte logits
  inputs/calib_N.npy    int64 (1, 64) windows of the training text
  inputs/eval_N.npy     int64 (1, 64) windows of the held-out text
  ref/calib_N.npy, ref/eval_N.npy
                        float32 (1, 64, 256): torch's eager f32 logits
  train.json            the configuration, parameter count and losses

Everything is seeded: a rerun on the same files reproduces the training (up
to the thread count's effect on float sums) and the exported files.
"""
import argparse
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = "/usr/share/common-licenses"

VOCAB = 256  # bytes
SEQ = 64
D_MODEL = 128
HEADS = 4
LAYERS = 3
D_MLP = 4 * D_MODEL

STEPS = 1200
BATCH = 32
LR = 3e-3
WARMUP = 100
SEED = 20261129
NUM_SAMPLES = 4  # calibration and evaluation windows each


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1 = nn.LayerNorm(D_MODEL)
        self.qkv = nn.Linear(D_MODEL, 3 * D_MODEL)
        self.proj = nn.Linear(D_MODEL, D_MODEL)
        self.ln2 = nn.LayerNorm(D_MODEL)
        self.fc1 = nn.Linear(D_MODEL, D_MLP)
        self.fc2 = nn.Linear(D_MLP, D_MODEL)

    def attention(self, x):
        b, t, _ = x.shape
        dh = D_MODEL // HEADS
        q, k, v = self.qkv(x).split(D_MODEL, dim=2)
        q = q.view(b, t, HEADS, dh).transpose(1, 2)
        k = k.view(b, t, HEADS, dh).transpose(1, 2)
        v = v.view(b, t, HEADS, dh).transpose(1, 2)
        # Eager attention (no SDPA) with a causal mask built from indices.
        scores = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(dh))
        pos = torch.arange(t, device=x.device)
        future = pos[None, :] > pos[:, None]
        scores = scores.masked_fill(future, torch.finfo(scores.dtype).min)
        y = F.softmax(scores, dim=-1) @ v
        return self.proj(y.transpose(1, 2).reshape(b, t, D_MODEL))

    def forward(self, x):
        x = x + self.attention(self.ln1(x))
        return x + self.fc2(F.gelu(self.fc1(self.ln2(x))))


class LicenseLM(nn.Module):
    def __init__(self):
        super().__init__()
        self.tok = nn.Embedding(VOCAB, D_MODEL)
        self.pos = nn.Embedding(SEQ, D_MODEL)
        self.blocks = nn.ModuleList(Block() for _ in range(LAYERS))
        self.ln_f = nn.LayerNorm(D_MODEL)
        self.head = nn.Linear(D_MODEL, VOCAB)

    def forward(self, ids):
        t = ids.shape[1]
        x = self.tok(ids) + self.pos(torch.arange(t, device=ids.device))
        for block in self.blocks:
            x = block(x)
        return self.head(self.ln_f(x))


def load_corpus():
    """The regular files of CORPUS (symbolic links skipped: they repeat
    files), sorted by name, concatenated; the last 10% is held out."""
    names = sorted(n for n in os.listdir(CORPUS)
                   if not os.path.islink(os.path.join(CORPUS, n)))
    data = b"".join(open(os.path.join(CORPUS, n), "rb").read() for n in names)
    split = len(data) * 9 // 10
    return names, torch.tensor(list(data), dtype=torch.int64), split


def windows(data, starts):
    x = torch.stack([data[s:s + SEQ] for s in starts])
    y = torch.stack([data[s + 1:s + SEQ + 1] for s in starts])
    return x, y


@torch.no_grad()
def evaluate(model, data, lo, hi, count=64):
    """Mean next-byte cross entropy (nats) over `count` evenly spaced
    windows of data[lo:hi]."""
    model.eval()
    step = (hi - lo - SEQ - 1) // count
    x, y = windows(data, [lo + i * step for i in range(count)])
    loss = F.cross_entropy(model(x).reshape(-1, VOCAB), y.reshape(-1))
    return loss.item()


def train(model, data, split, log):
    gen = torch.Generator().manual_seed(SEED)
    opt = torch.optim.AdamW(model.parameters(), lr=LR, betas=(0.9, 0.95),
                            weight_decay=0.1)

    def lr_at(step):  # linear warmup, cosine decay to 10%
        if step < WARMUP:
            return LR * (step + 1) / WARMUP
        p = (step - WARMUP) / (STEPS - WARMUP)
        return LR * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * p)))

    start = time.time()
    for step in range(STEPS):
        model.train()
        starts = torch.randint(0, split - SEQ - 1, (BATCH,), generator=gen)
        x, y = windows(data, starts.tolist())
        loss = F.cross_entropy(model(x).reshape(-1, VOCAB), y.reshape(-1))
        for group in opt.param_groups:
            group["lr"] = lr_at(step)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if step % 200 == 0 or step == STEPS - 1:
            log(f"step {step:5d}  train loss {loss.item():.4f}  "
                f"{time.time() - start:.0f} s")
    return time.time() - start


def save_npy(path, array):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    np.save(path, array)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--retrain", action="store_true",
                        help="train even if checkpoint.pt exists")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    torch.manual_seed(SEED)
    torch.set_num_threads(args.threads)
    names, data, split = load_corpus()
    model = LicenseLM()
    params = sum(p.numel() for p in model.parameters())
    print(f"corpus: {len(data)} bytes from {len(names)} files "
          f"({split} train, {len(data) - split} held out); "
          f"{params} parameters")

    ckpt = os.path.join(HERE, "checkpoint.pt")
    info_path = os.path.join(HERE, "train.json")
    if os.path.exists(ckpt) and not args.retrain:
        model.load_state_dict(torch.load(ckpt))
        print(f"loaded {ckpt}")
        seconds = json.load(open(info_path))["train_seconds"]
    else:
        seconds = train(model, data, split, print)
        torch.save(model.state_dict(), ckpt)
    model.eval()
    train_loss = evaluate(model, data, 0, split)
    held_out_loss = evaluate(model, data, split, len(data))
    print(f"train loss {train_loss:.4f}, held-out loss {held_out_loss:.4f} "
          f"nats/byte")

    # Samples: evenly spaced windows, calibration from the training text,
    # evaluation from the held-out text.
    samples = {}
    for kind, lo, hi in (("calib", 0, split), ("eval", split, len(data))):
        step = (hi - lo - SEQ) // NUM_SAMPLES
        for i in range(NUM_SAMPLES):
            s = lo + i * step + step // 2
            samples[f"{kind}_{i}"] = data[s:s + SEQ].reshape(1, SEQ)

    from torch_mlir import fx
    example = samples["eval_0"]
    module = fx.export_and_import(model, example,
                                  output_type="linalg-on-tensors")
    with open(os.path.join(HERE, "model.mlir"), "w") as f:
        f.write(str(module))

    with torch.no_grad():
        for name, ids in samples.items():
            save_npy(os.path.join(HERE, "inputs", name + ".npy"),
                     ids.numpy().astype(np.int64))
            save_npy(os.path.join(HERE, "ref", name + ".npy"),
                     model(ids).numpy().astype(np.float32))

    info = {
        "corpus": CORPUS, "files": names, "bytes": len(data),
        "train_bytes": split, "vocab": VOCAB, "seq": SEQ,
        "d_model": D_MODEL, "heads": HEADS, "layers": LAYERS,
        "d_mlp": D_MLP, "parameters": params, "steps": STEPS,
        "batch": BATCH, "lr": LR, "seed": SEED,
        "threads": args.threads, "train_seconds": round(seconds),
        "train_loss": round(train_loss, 4),
        "held_out_loss": round(held_out_loss, 4),
        "torch": torch.__version__,
    }
    with open(info_path, "w") as f:
        json.dump(info, f, indent=1)
        f.write("\n")
    print(f"wrote {HERE}/model.mlir, inputs/, ref/, train.json")


if __name__ == "__main__":
    main()
