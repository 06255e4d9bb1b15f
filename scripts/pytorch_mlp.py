"""A PyTorch MLP in Flowscope's layout (README: File formats, "Learned models"), and safetensors
written by hand (the format is an 8-byte header length, a JSON header, then little-endian bytes;
Debian 12 has no python3-safetensors). Shared by pytorch_export_check.py and
bench_train_reference.py.

    layers.<k>.weight [out, in], layers.<k>.bias [out]   k = 0 .. depth (the last is the output)
    embedding.frequencies [width / 2]                     angular: features cos(w c) then sin(w c)
    metadata flowscope_mlp (the specification), flowscope_objective (what it predicts)
"""
import json
import math
import struct

import numpy as np
import torch
from torch import nn

ACTIVATIONS = {"relu": nn.ReLU, "silu": nn.SiLU, "gelu": nn.GELU, "tanh": nn.Tanh, "elu": nn.ELU}


class FlowscopeMlp(nn.Module):
    """x (batch x 2) and a level c (batch) -> (batch x 2): [x, cos(w c), sin(w c)], depth hidden
    layers of `width` units (residual from the second on when asked), a linear output."""

    def __init__(self, width=64, depth=3, activation="silu", residual=False, features=32,
                 scale=16.0, embedding="fourier", seed=0):
        super().__init__()
        g = torch.Generator().manual_seed(seed)
        half = features // 2 if embedding != "none" else 0
        if embedding == "fourier":  # EDM's FourierFeatures: 2 pi N(0, scale^2)
            freqs = 2.0 * math.pi * scale * torch.randn(half, generator=g, dtype=torch.float64)
        else:  # sinusoidal, max period 10,000
            freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float64) / half)
        self.embedding = nn.Module()
        self.embedding.register_buffer("frequencies", freqs.float())
        dims = [2 + 2 * half] + [width] * depth + [2]
        self.layers = nn.ModuleList([nn.Linear(dims[k], dims[k + 1]) for k in range(depth + 1)])
        self.act = ACTIVATIONS[activation]()
        self.spec = {"inputs": 2, "outputs": 2, "width": width, "depth": depth,
                     "activation": activation, "residual": residual, "seed": seed,
                     "embedding": {"kind": "fourier" if embedding == "fourier" else embedding,
                                   "width": 2 * half, "scale": scale, "seed": seed}}
        self.residual = residual

    def forward(self, x, c):
        w = self.embedding.frequencies.to(x.dtype)
        a = x
        if w.numel() > 0:
            a = torch.cat([x, torch.cos(c[:, None] * w), torch.sin(c[:, None] * w)], dim=1)
        for k, layer in enumerate(self.layers[:-1]):
            z = self.act(layer(a))
            a = z + a if self.residual and k > 0 else z
        return self.layers[-1](a)


def objective_spec(kind="flow"):
    return {"kind": kind, "sigma_data": 0.5, "p_mean": -1.2, "p_std": 1.2, "schedule": "linear",
            "train_steps": 1000, "t_sampling": "uniform", "t_mean": 0.0, "t_std": 1.0}


def save_safetensors(path, model, objective):
    tensors = {k: v.detach().to(torch.float32).contiguous().numpy()
               for k, v in model.state_dict().items()}
    header, offset, blobs = {}, 0, []
    for name in sorted(tensors):
        data = tensors[name].astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape),
                        "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    header["__metadata__"] = {"flowscope_mlp": json.dumps(model.spec),
                              "flowscope_objective": json.dumps(objective)}
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def denoised(model, objective, x, s, tau):
    """D at x = s x0 + tau eps, as Flowscope asks a network (compute/train/Objective.h)."""
    kind = objective["kind"]
    x = torch.as_tensor(x, dtype=torch.float64)
    n = x.shape[0]
    if kind == "flow":
        t = tau / (s + tau)
        xt = x / (s + tau)
        return xt - t * model(xt, torch.full((n,), t, dtype=torch.float64))
    if kind == "edm":
        sigma, sd = tau / s, objective["sigma_data"]
        r2 = sigma * sigma + sd * sd
        f = model(x / (s * math.sqrt(r2)), torch.full((n,), math.log(sigma) / 4, dtype=torch.float64))
        return (sd * sd / r2) * x / s + (sigma * sd / math.sqrt(r2)) * f
    raise ValueError("this check covers the flow and edm objectives")
