#!/usr/bin/env python3
"""PyTorch CPU (2 threads unless --threads) versions of the three seed architectures, timed per epoch on the same
60,000 Fashion-MNIST images, for aezoo-bench to print side by side. Same layer sizes, activations,
losses, regularizers, optimizer, learning rate and batch size as tools/bench/train/main.swift.

Prints one line per architecture: `torch <key> <seconds per epoch>` (median of the epochs after the first).
"""
import argparse, gzip, statistics, time
import numpy as np
import torch
import torch.nn as nn

p = argparse.ArgumentParser()
p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
p.add_argument("--epochs", type=int, default=2)
p.add_argument("--arch", default="a,b,c")
p.add_argument("--threads", type=int, default=2)
args = p.parse_args()
torch.set_num_threads(args.threads)

with gzip.open(f"{args.data}/train-images-idx3-ubyte.gz") as f:
    raw = f.read()
x = torch.from_numpy(np.frombuffer(raw, np.uint8, offset=16).reshape(-1, 784).astype(np.float32) / 255)
torch.manual_seed(1)

class Tied(nn.Module):
    def __init__(self):
        super().__init__()
        self.w1 = nn.Parameter(torch.empty(784, 300)); self.w2 = nn.Parameter(torch.empty(300, 150))
        nn.init.kaiming_normal_(self.w1.T); nn.init.kaiming_normal_(self.w2.T)
        self.b = nn.ParameterList([nn.Parameter(torch.zeros(n)) for n in (300, 150, 300, 784)])
    def forward(self, v):
        h1 = nn.functional.elu(v @ self.w1 + self.b[0]); h2 = nn.functional.elu(h1 @ self.w2 + self.b[1])
        h3 = nn.functional.elu(h2 @ self.w2.T + self.b[2]); return h3 @ self.w1.T + self.b[3], None

class Dense(nn.Module):
    def __init__(self, hidden, act, out_act):
        super().__init__()
        self.enc = nn.Linear(784, hidden); self.dec = nn.Linear(hidden, 784); self.act = act; self.out_act = out_act
    def forward(self, v):
        h = self.act(self.enc(v)); return self.out_act(self.dec(h)), h

def kl_sparsity(h, rho=0.1):
    q = h.mean(0).clamp(1e-6, 1 - 1e-6)
    return (rho * (np.log(rho) - torch.log(q)) + (1 - rho) * (np.log(1 - rho) - torch.log(1 - q))).sum()

def setup(key):
    if key == "a":
        m = Dense(200, nn.functional.softplus, nn.functional.softplus)
        return m, torch.optim.Adam(m.parameters(), lr=1e-3), 128, lambda y, h, v: 0.5 * ((y - v) ** 2).sum()
    if key == "b":
        m = Dense(1000, torch.sigmoid, torch.sigmoid)
        return m, torch.optim.Adam(m.parameters(), lr=1e-2), 1000, lambda y, h, v: ((y - v) ** 2).mean() + 0.2 * kl_sparsity(h)
    m = Tied()
    return m, torch.optim.Adam(m.parameters(), lr=1e-2), 150, \
        lambda y, h, v: ((y - v) ** 2).mean() + 5e-4 * 0.5 * ((m.w1 ** 2).sum() + (m.w2 ** 2).sum())

for key in args.arch.split(","):
    model, opt, batch, loss_fn = setup(key)
    times = []
    for epoch in range(args.epochs):
        t = time.perf_counter()
        perm = torch.randperm(x.shape[0])
        for i in range(0, x.shape[0], batch):
            v = x[perm[i:i + batch]]
            y, h = model(v)
            loss = loss_fn(y, h, v)
            opt.zero_grad(); loss.backward(); opt.step()
        times.append(time.perf_counter() - t)
    timed = times[1:] if len(times) > 1 else times
    print(f"torch {key} {statistics.median(timed):.4f}", flush=True)
