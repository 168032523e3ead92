#!/usr/bin/python3
"""PyTorch reference for Invertscope's training throughput.

Trains the paper's models (Flatten, then Linear 784->784 each optionally followed by a
LeakyReLU(0.01)) with the paper's loss and Adam(lr=1e-3) on seeded random data, and prints
samples per second as JSON. The same work as bench/trainThroughput.ts measures for the
simd engine: data generation and loading are outside the timed loop on both sides.

With objective "flow" it trains the same shapes as LU-parametrized normalizing flows, as
a PyTorch user writes one (Glow's LU layer): W = P·L·U assembled from the packed factors
every step, autograd through it, the exact log-likelihood under the paper's prior N(2a·1, I)
with the LeakyReLU log-determinant count (its gradient from a sigmoid of width tau),
dequantized inputs, Adam(lr=1e-4) with a linear warm-up and cosine decay.

    /usr/bin/python3 bench/pytorch/train_throughput.py --model base --batch 64 --threads 1
    /usr/bin/python3 bench/pytorch/train_throughput.py --serve   # one JSON request per line

Threads: Debian's torch does its matrix products in OpenBLAS, whose thread count is fixed
when the library loads (OPENBLAS_NUM_THREADS), so --threads re-executes the script with
that variable set when it differs; torch.set_num_threads covers the rest.
"""
import argparse
import json
import math
import os
import sys
import time

WIDTH = 784
MIN_STEPS = 5
MODELS = {
    "base": (4, True),
    "small": (1, True),
    "noact": (4, False),
}


def ensure_threads(threads):
    wanted = str(threads)
    if os.environ.get("OPENBLAS_NUM_THREADS") != wanted or os.environ.get("OMP_NUM_THREADS") != wanted:
        env = dict(os.environ, OPENBLAS_NUM_THREADS=wanted, OMP_NUM_THREADS=wanted)
        os.execve(sys.executable, [sys.executable] + sys.argv, env)


def build_model(torch, name):
    depth, activation = MODELS[name]
    layers = [torch.nn.Flatten()]
    for _ in range(depth):
        layers.append(torch.nn.Linear(WIDTH, WIDTH))
        if activation:
            layers.append(torch.nn.LeakyReLU(0.01))
    return torch.nn.Sequential(*layers)


def seed_loss(torch, y, labels):
    target = (2 * labels).to(y.dtype).unsqueeze(1)
    nll = 0.5 * ((y - target) ** 2).sum(dim=1) + 0.5 * WIDTH * math.log(2 * math.pi)
    penalty = (y.var(dim=1) - 1) ** 2  # torch.var is unbiased by default
    return (nll + penalty).mean()


def lu_flow_module(torch):
    """The flow's layer: y = x·Wᵀ + b with W = P·L·U from one packed n×n parameter."""

    class LULinear(torch.nn.Module):
        def __init__(self, n, generator):
            super().__init__()
            # L and U entries ~ N(0, 0.01²), u_ii = ±1 (s = log|u_ii| = 0), a random row order:
            # the same distribution as the simd side's bench flow.
            packed = torch.randn(n, n, generator=generator) * 0.01
            packed.fill_diagonal_(0)
            self.packed = torch.nn.Parameter(packed)
            self.bias = torch.nn.Parameter(torch.zeros(n))
            self.register_buffer("sign", torch.randint(0, 2, (n,), generator=generator).float() * 2 - 1)
            self.register_buffer("perm", torch.randperm(n, generator=generator))
            self.register_buffer("eye", torch.eye(n))

        def forward(self, x):
            s = torch.diagonal(self.packed)
            lower = torch.tril(self.packed, -1) + self.eye
            upper = torch.triu(self.packed, 1) + torch.diag(self.sign * torch.exp(s))
            weight = (lower @ upper)[self.perm]
            return torch.nn.functional.linear(x, weight, self.bias), s.sum()

    return LULinear


FLOW_SLOPE = 0.01
FLOW_TAU = 0.1
FLOW_WARMUP = 200


def flow_loss(torch, layers, activations, x, labels):
    """Mean −log p(x | a): latent under N(2a·1, I) plus −log|det J| (Σ s_i and the LeakyReLU count)."""
    h = x
    log_det = 0
    negatives = 0
    for layer, activation in zip(layers, activations):
        a, layer_log_det = layer(h)
        log_det = log_det + layer_log_det
        if activation:
            soft = torch.sigmoid(-a / FLOW_TAU).sum(dim=1)
            # The count's exact value, with the sigmoid's gradient.
            negatives = negatives + (a < 0).sum(dim=1).to(a.dtype) + (soft - soft.detach())
            h = torch.nn.functional.leaky_relu(a, FLOW_SLOPE)
        else:
            h = a
    target = (2 * labels).to(h.dtype).unsqueeze(1)
    latent = 0.5 * ((h - target) ** 2).sum(dim=1) + 0.5 * WIDTH * math.log(2 * math.pi)
    return (latent - math.log(FLOW_SLOPE) * negatives - log_det).mean()


def build_step(torch, objective, model_name, batch, seed):
    """One training step's closure on seeded random data, for either objective."""
    torch.manual_seed(seed)
    if objective == "flow":
        depth, activation = MODELS[model_name]
        generator = torch.Generator().manual_seed(seed)
        module = lu_flow_module(torch)
        layers = torch.nn.ModuleList([module(WIDTH, generator) for _ in range(depth)])
        activations = [activation] * depth
        optimizer = torch.optim.Adam(layers.parameters(), lr=1e-4)
        total = 10_000
        schedule = torch.optim.lr_scheduler.LambdaLR(
            optimizer, lambda s: min(1.0, (s + 1) / FLOW_WARMUP) * 0.5 * (1 + math.cos(math.pi * min(s, total) / total)))
        # Pixel levels k/255, dequantized to (k + u)/256 with fresh noise every step.
        batches = [(torch.randint(0, 256, (batch, WIDTH)).float(), torch.randint(0, 10, (batch,))) for _ in range(4)]

        def flow_step(i):
            levels, labels = batches[i % len(batches)]
            x = (levels + torch.rand(batch, WIDTH)) / 256
            optimizer.zero_grad()
            loss = flow_loss(torch, layers, activations, x, labels)
            loss.backward()
            optimizer.step()
            schedule.step()
            return loss.item()

        return flow_step
    model = build_model(torch, model_name)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    batches = [
        (torch.rand(batch, 28, 28), torch.randint(0, 10, (batch,)))
        for _ in range(4)
    ]

    def seed_step(i):
        images, labels = batches[i % len(batches)]
        optimizer.zero_grad()
        loss = seed_loss(torch, model(images), labels)
        loss.backward()
        optimizer.step()
        return loss.item()

    return seed_step


def measure(torch, model_name, batch, steps, warmup, seed, max_seconds, objective="seed"):
    step = build_step(torch, objective, model_name, batch, seed)

    first = None
    for i in range(warmup):
        value = step(i)
        first = value if first is None else first
    # Up to `steps` steps, stopping early (after at least MIN_STEPS) once max_seconds have
    # passed, so that a machine too busy for the planned steps still finishes in time.
    start = time.perf_counter()
    last = None
    done = 0
    while done < steps:
        last = step(done)
        done += 1
        if done >= MIN_STEPS and time.perf_counter() - start > max_seconds:
            break
    seconds = time.perf_counter() - start
    steps = done
    return {
        "objective": objective,
        "model": model_name,
        "batch": batch,
        "threads": torch.get_num_threads(),
        "blasThreads": int(os.environ.get("OPENBLAS_NUM_THREADS", "0")),
        "steps": steps,
        "seconds": seconds,
        "samplesPerSecond": batch * steps / seconds,
        "firstLoss": first,
        "lastLoss": last,
        "torch": torch.__version__,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", choices=sorted(MODELS), default="base")
    parser.add_argument("--objective", choices=["seed", "flow"], default="seed")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-seconds", type=float, default=float("inf"),
                        help="stop timing early (after at least 5 steps) once this much time has passed")
    parser.add_argument("--serve", action="store_true",
                        help="read JSON requests {objective, model, batch, steps, warmup, seed, maxSeconds} from stdin, one per line")
    args = parser.parse_args()
    if args.threads < 1:
        parser.error(f"--threads must be at least 1, got {args.threads}")
    ensure_threads(args.threads)
    try:
        import torch
    except ImportError as error:
        print(json.dumps({"error": f"torch is not importable: {error}"}), flush=True)
        return 3
    torch.set_num_threads(args.threads)
    if not args.serve:
        print(json.dumps(measure(torch, args.model, args.batch, args.steps, args.warmup, args.seed, args.max_seconds, args.objective)), flush=True)
        return 0
    print(json.dumps({"ready": True, "torch": torch.__version__, "threads": args.threads}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        result = measure(torch, request.get("model", "base"), int(request.get("batch", 64)),
                         int(request.get("steps", 100)), int(request.get("warmup", 10)), int(request.get("seed", 0)),
                         float(request.get("maxSeconds") or float("inf")), request.get("objective", "seed"))
        print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
