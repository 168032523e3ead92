#!/usr/bin/python3
"""PyTorch reference for Invertscope's training throughput.

Trains the paper's models (Flatten, then Linear 784->784 each optionally followed by a
LeakyReLU(0.01)) with the paper's loss and Adam(lr=1e-3) on seeded random data, and prints
samples per second as JSON. The same work as bench/trainThroughput.ts measures for the
simd engine: data generation and loading are outside the timed loop on both sides.

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


def measure(torch, model_name, batch, steps, warmup, seed, max_seconds):
    torch.manual_seed(seed)
    model = build_model(torch, model_name)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    batches = [
        (torch.rand(batch, 28, 28), torch.randint(0, 10, (batch,)))
        for _ in range(4)
    ]

    def step(i):
        images, labels = batches[i % len(batches)]
        optimizer.zero_grad()
        loss = seed_loss(torch, model(images), labels)
        loss.backward()
        optimizer.step()
        return loss.item()

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
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-seconds", type=float, default=float("inf"),
                        help="stop timing early (after at least 5 steps) once this much time has passed")
    parser.add_argument("--serve", action="store_true",
                        help="read JSON requests {model, batch, steps, warmup, seed, maxSeconds} from stdin, one per line")
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
        print(json.dumps(measure(torch, args.model, args.batch, args.steps, args.warmup, args.seed, args.max_seconds)), flush=True)
        return 0
    print(json.dumps({"ready": True, "torch": torch.__version__, "threads": args.threads}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        result = measure(torch, request.get("model", "base"), int(request.get("batch", 64)),
                         int(request.get("steps", 100)), int(request.get("warmup", 10)), int(request.get("seed", 0)),
                         float(request.get("maxSeconds") or float("inf")))
        print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
