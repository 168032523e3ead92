#!/usr/bin/python3
"""PyTorch/numpy reference for Invertscope's full checkpoint analysis.

Computes the same figures as src/core/analysis/analyzeNetwork.ts on the same images,
written the way a person fluent in PyTorch would write them (torch.linalg for the
factorizations, solves and singular values, batched matrix products, numpy for the
statistics), so `npm run bench` can time both in one run:

  spectra         every layer: all singular values (and U of the last layer, for the
                  worst noise direction), log|det| and float64 + float32 LU factors
  reconstruction  the three round trips of the test images: float32 forward and inverse,
                  the float32 embedding through the float64 inverse, float64 forward and
                  inverse; MAE, max error, PSNR, broken share, per class
  jacobian        J = D_L W_L ... D_1 W_1 at the first test image, its singular values,
                  J^-1 from the identity through the layer solves and its singular values;
                  backward errors of both inverses
  amplification   z + delta*g for every delta (and along u_min) through both inverses,
                  RMS error after every stage, PSNR and classifier accuracy
  distribution    per class: mean, std, skew, KS statistic against N(2a, 1), a binned
                  Gaussian kernel density
  generation      z ~ N(2a, T^2) at each temperature and the empirical class Gaussians
                  (from the float32 embeddings of training images), through both
                  inverses; classifier accuracy and the nearest reference digit

and the light analysis of src/core/analysis/lightAnalysis.ts (per layer sigma and LU
factors, the three round trips of fewer images, kappa of the Jacobian, noise tolerance
with the sweep stopped at the first unrecognizable delta, a generation score).

Inputs (written by bench/analysis.ts) are read once at start; the timed part is
everything after that: the checkpoint's tensors, the images and the classifier are in
memory, as they are in a process that analyses several checkpoints.

    /usr/bin/python3 bench/pytorch/analysis_reference.py INPUT_FOLDER --threads 2
    then one command per line on stdin: `full` or `light` (prints {"seconds",
    "cpuSeconds", "stages"}), `figures full` or `figures light` (prints the headline
    figures), `quit`.

Threads: as train_throughput.py, OpenBLAS's thread count is fixed when it loads, so
--threads re-executes the script with OPENBLAS_NUM_THREADS/OMP_NUM_THREADS set.
"""
import json
import math
import os
import sys
import time


def ensure_threads(threads):
    wanted = str(threads)
    if os.environ.get("OPENBLAS_NUM_THREADS") != wanted or os.environ.get("OMP_NUM_THREADS") != wanted:
        env = dict(os.environ, OPENBLAS_NUM_THREADS=wanted, OMP_NUM_THREADS=wanted)
        os.execve(sys.executable, [sys.executable] + sys.argv, env)


def main():
    folder = sys.argv[1]
    threads = int(sys.argv[sys.argv.index("--threads") + 1]) if "--threads" in sys.argv else 1
    ensure_threads(threads)
    import numpy as np
    import torch

    torch.set_num_threads(threads)
    with open(os.path.join(folder, "manifest.json")) as f:
        m = json.load(f)

    def load(name, dtype, shape):
        return torch.from_numpy(np.fromfile(os.path.join(folder, name), dtype=dtype).reshape(shape))

    n, L = m["width"], m["layers"]
    inputs = {
        "weights": load("weights.f32", np.float32, (L, n, n)),
        "biases": load("biases.f32", np.float32, (L, n)),
        "test": load("test.f32", np.float32, (-1, n)),
        "test_labels": load("test_labels.u8", np.uint8, (-1,)).long(),
        "train": load("train.f32", np.float32, (-1, n)),
        "train_labels": load("train_labels.u8", np.uint8, (-1,)).long(),
        "reference": load("reference.f32", np.float32, (-1, n)),
        "w1": load("w1.f64", np.float64, (n, -1)),
        "b1": load("b1.f64", np.float64, (-1,)),
        "w2": load("w2.f64", np.float64, (-1, m["classes"])),
        "b2": load("b2.f64", np.float64, (m["classes"],)),
    }
    print(json.dumps({"torch": torch.__version__, "numpy": np.__version__, "threads": threads}), flush=True)
    kinds = {"full": analyse, "light": light}
    for line in sys.stdin:
        command = line.split()
        if len(command) == 1 and command[0] in kinds:
            stages = {}
            start, cpu = time.perf_counter(), time.process_time()
            kinds[command[0]](torch, np, m, inputs, stages)
            print(json.dumps({"seconds": time.perf_counter() - start, "cpuSeconds": time.process_time() - cpu, "stages": stages}), flush=True)
        elif len(command) == 2 and command[0] == "figures" and command[1] in kinds:
            print(json.dumps(kinds[command[1]](torch, np, m, inputs, {})), flush=True)
        else:
            break


class Kit:
    """What both analyses share: the network in both precisions and its passes."""

    def __init__(self, torch, np, m, x, stages):
        self.torch, self.np, self.m, self.x, self.stages = torch, np, m, x, stages
        self.n, self.L, self.slope, self.classes = m["width"], m["layers"], m["slope"], m["classes"]
        self.activation = m["activations"]
        self.W32, self.b32 = x["weights"], x["biases"]
        self.W64, self.b64 = self.W32.double(), self.b32.double()
        self.clock = time.perf_counter()

    def lap(self, name):
        now = time.perf_counter()
        self.stages[name] = now - self.clock
        self.clock = now

    def forward(self, h, W, b):
        for l in range(self.L):
            h = h @ W[l].T + b[l]
            if self.activation[l]:
                h = self.torch.nn.functional.leaky_relu(h, self.slope)
        return h

    def inverse(self, z, factors, b, on_stage=None):
        h = z
        for l in reversed(range(self.L)):
            if self.activation[l]:
                h = self.torch.where(h < 0, h / self.slope, h)
                if on_stage:
                    on_stage(h)
            lu, piv = factors[l]
            h = self.torch.linalg.lu_solve(lu, piv, (h - b[l]).T).T
            if on_stage:
                on_stage(h)
        return h

    def displayed(self, x_):
        return self.torch.nan_to_num(x_.float(), nan=0.5, posinf=0.5, neginf=0.5).clamp(0, 1)

    def predict(self, images):
        torch, x = self.torch, self.x
        hidden = torch.relu(images.double() @ x["w1"] + x["b1"])
        return (hidden @ x["w2"] + x["b2"]).argmax(1)

    def errors(self, rec, orig):
        torch = self.torch
        finite = torch.isfinite(rec).all(1)
        diff = (rec.double() - orig.double()).abs()
        mae = torch.where(finite, diff.mean(1), torch.full_like(finite, math.inf, dtype=torch.float64))
        shown = torch.where(torch.isfinite(rec), rec.double().clamp(0, 1), torch.full_like(diff, math.nan))
        sq = torch.where(torch.isfinite(shown), (shown - orig.double()) ** 2, torch.ones_like(diff))
        mse = sq.mean(1)
        psnr = torch.where(mse > 0, (-10 * torch.log10(mse)).clamp(max=200), torch.full_like(mse, 200.0))
        return mae, diff.max(1).values, psnr

    def spectra(self, with_u_min):
        """All singular values, log|det| and both precisions' LU factors of every layer."""
        torch = self.torch
        spectra, factors64, factors32 = [], [], []
        u_min = None
        for l in range(self.L):
            if with_u_min and l == self.L - 1:
                U, sigma, _ = torch.linalg.svd(self.W64[l])
                u_min = U[:, -1]
            else:
                sigma = torch.linalg.svdvals(self.W64[l])
            lu64, piv64 = torch.linalg.lu_factor(self.W64[l])
            lu32, piv32 = torch.linalg.lu_factor(self.W32[l])
            factors64.append((lu64, piv64))
            factors32.append((lu32, piv32))
            logdet = torch.log(torch.diagonal(lu64).abs()).sum().item()
            fro = torch.linalg.norm(self.W64[l]).item()
            spectra.append({"sigmaMax": sigma[0].item(), "sigmaMin": sigma[-1].item(), "cond": (sigma[0] / sigma[-1]).item(),
                            "logAbsDet": logdet, "frobenius": fro, "stableRank": fro ** 2 / sigma[0].item() ** 2,
                            "minPivot32": torch.diagonal(lu32).abs().min().item()})
        self.factors64, self.factors32 = factors64, factors32
        return spectra, u_min

    def round_trips(self, images):
        """float32 forward and inverse; the float32 embedding through the float64 inverse; float64 forward and inverse."""
        z = self.forward(images, self.W32, self.b32)
        rec32 = self.inverse(z, self.factors32, self.b32)
        mixed = self.inverse(z.double(), self.factors64, self.b64)
        rec64 = self.inverse(self.forward(images.double(), self.W64, self.b64), self.factors64, self.b64)
        return z, {"float32": rec32, "mixed": mixed, "float64": rec64}

    def jacobian(self, point):
        """kappa of J at `point`: sigma_max of J, sigma_min as 1 / sigma_max of J^-1 built by the layer solves."""
        torch, n, L = self.torch, self.n, self.L
        h = point.double()
        slopes = []
        for l in range(L):
            h = self.W64[l] @ h + self.b64[l]
            s = torch.where(h > 0, 1.0, self.slope).double() if self.activation[l] else None
            if s is not None:
                h = h * s
            slopes.append(s)
        J = None
        for l in range(L):
            J = self.W64[l].clone() if J is None else self.W64[l] @ J
            if slopes[l] is not None:
                J = slopes[l][:, None] * J
        sigma_max = torch.linalg.svdvals(J)[0].item()
        rows = torch.eye(n, dtype=torch.float64)
        for l in reversed(range(L)):
            if slopes[l] is not None:
                rows = rows / slopes[l]
            rows = torch.linalg.lu_solve(self.factors64[l][0], self.factors64[l][1], rows.T).T
        sigma_min = 1 / torch.linalg.svdvals(rows)[0].item()
        return sigma_max, sigma_min

    def noise_sweep(self, z, originals, labels, g, precision, levels, clean_accuracy, stop_at_first_failure):
        """z + delta*g through one inverse for each delta: RMS error after each stage, growth, PSNR, accuracy."""
        torch = self.torch
        factors, bias, cast = (self.factors32, self.b32, torch.float32) if precision == "float32" else (self.factors64, self.b64, torch.float64)
        clean = []
        self.inverse(z.to(cast), factors, bias, lambda v: clean.append(v))
        points = []
        for delta in levels:
            noisy = (z + delta * g).to(cast)
            injected = ((noisy.double() - z) ** 2).mean().sqrt().item()
            errs = []
            final = self.inverse(noisy, factors, bias, lambda v: errs.append(((v.double() - clean[len(errs)].double()) ** 2).mean().sqrt().item()))
            per_image = ((final.double() - clean[-1].double()) ** 2).mean(1).sqrt() / ((noisy.double() - z) ** 2).mean(1).sqrt()
            psnr = self.errors(final, originals)[2].mean().item()
            accuracy = (self.predict(self.displayed(final)) == labels).double().mean().item()
            points.append({"delta": delta, "psnr": psnr, "accuracy": accuracy, "finalError": errs[-1],
                           "growth": [e / (injected if k == 0 else errs[k - 1]) for k, e in enumerate(errs)],
                           "pooledGrowth": errs[-1] / injected, "medianGrowth": per_image.median().item()})
            if stop_at_first_failure and not (psnr >= 20 and accuracy >= 0.9 * clean_accuracy):
                break
        return points, clean[-1], factors, bias, cast


def analyse(torch, np, m, x, stages):
    k = Kit(torch, np, m, x, stages)
    n, classes = k.n, k.classes
    gen = torch.Generator().manual_seed(m["seed"])

    spectra, u_min = k.spectra(with_u_min=True)
    k.lap("spectra")

    test, labels = x["test"], x["test_labels"]
    z, rec = k.round_trips(test)
    err = {name: k.errors(r, test) for name, r in rec.items()}
    per_class = []
    for a in range(classes):
        rows = labels == a
        per_class.append([(e[0][rows].mean().item(), (e[0][rows] > 0.1).double().mean().item(), e[2][rows].mean().item()) for e in (err["float32"], err["mixed"])])
    broken = {name: (~(e[0] <= 0.1)).double().mean().item() for name, e in err.items()}
    k.lap("reconstruction")

    sigma_max, sigma_min = k.jacobian(test[0])
    back = torch.as_tensor(m["backwardRows"])
    zb = z[back].double()
    fb32 = k.forward(rec["float32"][back], k.W32, k.b32)
    fb64 = k.forward(rec["mixed"][back], k.W64, k.b64)
    backward32 = ((fb32.double() - zb).norm(dim=1) / zb.norm(dim=1)).median().item()
    backward64 = ((fb64 - zb).norm(dim=1) / zb.norm(dim=1)).median().item()
    relative64 = ((rec["float64"] - test.double()).norm(dim=1) / test.double().norm(dim=1)).median().item()
    k.lap("jacobian")

    amp_rows = torch.as_tensor(m["amplificationRows"])
    za = z[amp_rows].double()
    originals = test[amp_rows]
    amp_labels = labels[amp_rows]
    clean_accuracy = (k.predict(originals) == amp_labels).double().mean().item()
    g = torch.randn(za.shape, generator=gen, dtype=torch.float64)
    amplification = {}
    for precision in ("float32", "float64"):
        points, clean_final, factors, bias, cast = k.noise_sweep(za, originals, amp_labels, g, precision, m["noiseLevels"], clean_accuracy, False)
        worst = (za + m["noiseLevels"][0] * math.sqrt(n) * u_min).to(cast)
        final = k.inverse(worst, factors, bias)
        growth = ((final.double() - clean_final.double()) ** 2).mean(1).sqrt() / ((worst.double() - za) ** 2).mean(1).sqrt()
        amplification[precision] = {"points": points, "cleanAccuracy": clean_accuracy, "worstCaseGrowth": growth.median().item()}
    k.lap("amplification")

    distribution = []
    points = m["densityPoints"]
    for a in range(classes):
        values = z[labels == a].double().flatten().numpy()
        mean = values.mean()
        centred = values - mean
        std = values.std(ddof=1)
        skew = (centred ** 3).mean() / (centred ** 2).mean() ** 1.5
        s = np.sort(values)
        cdf = torch.special.ndtr(torch.from_numpy(s - 2 * a)).numpy()
        count = len(s)
        ks = max((np.arange(1, count + 1) / count - cdf).max(), (cdf - np.arange(count) / count).max())
        q = lambda p: s[min(count - 1, max(0, round(p * (count - 1))))]
        spread = min(std, (q(0.75) - q(0.25)) / 1.34)
        bw = 0.9 * spread * count ** -0.2
        lo, hi = q(0.001) - 3 * bw, q(0.999) + 3 * bw
        grid = np.linspace(lo, hi, points)
        step = grid[1] - grid[0]
        t = (s - lo) / step
        inside = (t >= 0) & (t <= points - 1)
        kk = np.minimum(points - 2, np.floor(t[inside]).astype(np.int64))
        frac = t[inside] - kk
        counts = np.bincount(kk, 1 - frac, points) + np.bincount(kk + 1, frac, points)
        reach = min(points - 1, math.ceil(5 * bw / step))
        kernel = np.exp(-0.5 * (np.arange(-reach, reach + 1) * step / bw) ** 2) / (math.sqrt(2 * math.pi) * bw * count)
        density = np.convolve(counts, kernel, mode="same")
        distribution.append({"mean": mean, "std": std, "skew": skew, "ks": ks, "densityPeak": float(density.max())})
    k.lap("distribution")

    s_per_class = m["samplesPerClass"]
    gen_labels = torch.arange(classes).repeat_interleave(s_per_class)
    sources = []
    for t in m["temperatures"]:
        sources.append(("target", t, 2 * gen_labels[:, None].double() + t * torch.randn(len(gen_labels), n, generator=gen, dtype=torch.float64)))
        if t == m["temperatures"][0]:
            embeddings = k.forward(x["train"], k.W32, k.b32).double()
            parts = []
            for a in range(classes):
                e = embeddings[x["train_labels"] == a]
                mu = e.mean(0)
                g_ = torch.randn(s_per_class, e.shape[0], generator=gen, dtype=torch.float64)
                parts.append(mu + t / math.sqrt(e.shape[0] - 1) * (g_ @ (e - mu)))
            sources.append(("empirical", t, torch.cat(parts)))
    reference = x["reference"]
    generation = []
    for source, t, zs in sources:
        for precision, factors, bias, cast in (("float32", k.factors32, k.b32, torch.float32), ("float64", k.factors64, k.b64, torch.float64)):
            shown = k.displayed(k.inverse(zs.to(cast), factors, bias))
            accuracy = (k.predict(shown) == gen_labels).double().mean().item()
            nearest = torch.cdist(shown, reference).min(1).values
            generation.append({"source": source, "temperature": t, "precision": precision, "accuracy": accuracy,
                               "medianNearestDistance": nearest.median().item()})
    k.lap("generation")

    return {
        "spectra": spectra,
        "reconstruction": {"broken": broken, "mae": {name: e[0].mean().item() for name, e in err.items()},
                           "psnr": {name: e[2].mean().item() for name, e in err.items()}},
        "jacobian": {"sigmaMax": sigma_max, "sigmaMin": sigma_min, "cond": sigma_max / sigma_min,
                     "backward32": backward32, "backward64": backward64, "relative64": relative64},
        "amplification": amplification,
        "distribution": distribution,
        "generation": generation,
    }


def light(torch, np, m, x, stages):
    """The light analysis: what a trajectory plots for one checkpoint."""
    k = Kit(torch, np, m, x, stages)
    o = m["light"]
    spectra, _ = k.spectra(with_u_min=False)
    k.lap("spectra")

    test = x["test"][torch.as_tensor(o["testRows"])]
    labels = x["test_labels"][torch.as_tensor(o["testRows"])]
    z, rec = k.round_trips(test)
    broken = {name: (~(k.errors(r, test)[0] <= 0.1)).double().mean().item() for name, r in rec.items()}
    k.lap("roundTrips")

    sigma_max, sigma_min = k.jacobian(test[0])
    k.lap("jacobian")

    rows = torch.as_tensor(o["noiseRows"])
    zn, originals, noise_labels = z[rows].double(), test[rows], labels[rows]
    clean_accuracy = (k.predict(originals) == noise_labels).double().mean().item()
    g = torch.randn(zn.shape, generator=torch.Generator().manual_seed(m["seed"]), dtype=torch.float64)
    noise = {}
    for precision in ("float32", "float64"):
        points = k.noise_sweep(zn, originals, noise_labels, g, precision, m["noiseLevels"], clean_accuracy, True)[0]
        ok = [p["delta"] for p in points if p["psnr"] >= 20 and p["accuracy"] >= 0.9 * clean_accuracy]
        noise[precision] = {"recognizableUpTo": ok[-1] if ok else None, "levels": len(points)}
    k.lap("noise")

    gen_labels = torch.arange(k.classes).repeat_interleave(o["samplesPerClass"])
    zs = 2 * gen_labels[:, None].double() + o["temperature"] * torch.randn(len(gen_labels), k.n, generator=torch.Generator().manual_seed(m["seed"]), dtype=torch.float64)
    shown = k.displayed(k.inverse(zs, k.factors64, k.b64))
    generation = (k.predict(shown) == gen_labels).double().mean().item()
    k.lap("generation")
    return {"layers": [{key: s_[key] for key in ("sigmaMax", "sigmaMin", "cond", "logAbsDet")} for s_ in spectra],
            "jacobian": {"sigmaMax": sigma_max, "sigmaMin": sigma_min, "cond": sigma_max / sigma_min},
            "broken": broken, "noise": noise, "generation": generation}


if __name__ == "__main__":
    main()
