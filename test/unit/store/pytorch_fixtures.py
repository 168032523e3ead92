"""PyTorch side of importPytorch.test.ts, run with Debian's /usr/bin/python3.

  make OUTDIR    builds the paper's models (nn.Sequential of Flatten, Linear(784, 784),
                 LeakyReLU, ..., Unflatten) from fixed seeds, saves each state_dict as
                 safetensors and writes OUTDIR/reference.json: per tensor the SHA-256 of
                 its float32 bytes and its first values as bit patterns, and the model's
                 output on two fixed inputs.
  check FILE KIND DTYPE OUTDIR
                 loads an Invertscope checkpoint into a freshly initialised model of
                 that kind with load_state_dict(strict=True) and prints, as JSON, how far
                 its outputs are from the reference model's.

The safetensors package is used when it is installed; otherwise the format is
written and read by hand (8-byte little-endian header length, JSON header, data),
the reader being the numpy snippet of docs/run-store.md.
"""
import hashlib
import json
import struct
import sys

import numpy as np
import torch

torch.set_num_threads(1)

MODELS = {"base": (4, True), "small": (1, True), "noact": (4, False)}
SEEDS = {"base": 1234, "small": 99, "noact": 4321}


def build(kind):
    depth, activation = MODELS[kind]
    layers = [torch.nn.Flatten()]
    for _ in range(depth):
        layers.append(torch.nn.Linear(784, 784))
        if activation:
            layers.append(torch.nn.LeakyReLU())
    layers.append(torch.nn.Unflatten(1, (28, 28)))
    return torch.nn.Sequential(*layers)


def probe_inputs(dtype):
    ramp = torch.linspace(0, 1, 784, dtype=dtype)
    wave = 0.5 + 0.5 * torch.cos(torch.arange(784, dtype=dtype) * 0.37)
    return torch.stack([ramp, wave]).reshape(2, 28, 28)


def save_safetensors(state_dict, path):
    try:
        from safetensors.torch import save_file
    except ImportError:
        save_file = None
    if save_file is not None:
        save_file(state_dict, path)
        return "safetensors package"
    names = {torch.float32: "F32", torch.float64: "F64"}
    header, blobs, offset = {}, [], 0
    for name in sorted(state_dict):
        t = state_dict[name].detach().contiguous()
        data = t.numpy().tobytes()
        header[name] = {"dtype": names[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))
    return "by hand"


def load_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        buffer = f.read()
    dtypes = {"F32": "<f4", "F64": "<f8", "I64": "<i8", "U8": "u1"}
    metadata = header.pop("__metadata__", {})
    tensors = {}
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        tensors[name] = np.frombuffer(buffer[begin:end], dtype=dtypes[entry["dtype"]]).reshape(entry["shape"])
    return tensors, metadata


def f32_bits(values):
    return [struct.unpack("<I", struct.pack("<f", float(v)))[0] for v in values]


def make(outdir):
    reference = {}
    for kind, dtype in [("base", torch.float32), ("noact", torch.float32), ("small", torch.float64)]:
        torch.manual_seed(SEEDS[kind])
        model = build(kind).to(dtype)
        label = f"{kind}-{'f64' if dtype == torch.float64 else 'f32'}"
        path = f"{outdir}/{label}.safetensors"
        writer = save_safetensors(model.state_dict(), path)
        tensors = {}
        for name, t in model.state_dict().items():
            as_f32 = t.detach().float().contiguous().numpy()
            tensors[name] = {
                "shape": list(t.shape),
                "sha256": hashlib.sha256(as_f32.tobytes()).hexdigest(),
                "firstBits": f32_bits(as_f32.reshape(-1)[:3]),
            }
        with torch.no_grad():
            output = model(probe_inputs(dtype)).reshape(2, 784).tolist()
        reference[label] = {"file": path, "writer": writer, "tensors": tensors, "output": output}
    with open(f"{outdir}/reference.json", "w") as f:
        json.dump(reference, f)


def check(path, kind, dtype_label, outdir):
    with open(f"{outdir}/reference.json") as f:
        reference = json.load(f)[f"{kind}-{dtype_label}"]
    torch.manual_seed(2024)
    model = build(kind)
    arrays, metadata = load_safetensors(path)
    state = {name: torch.from_numpy(a.copy()) for name, a in arrays.items()}
    result = model.load_state_dict(state, strict=True)
    with torch.no_grad():
        output = model(probe_inputs(torch.float32)).reshape(2, 784)
    expected = torch.tensor(reference["output"], dtype=torch.float64)
    print(json.dumps({
        "missing": list(result.missing_keys),
        "unexpected": list(result.unexpected_keys),
        "keys": sorted(state),
        "dtypes": sorted({str(a.dtype) for a in arrays.values()}),
        "format": metadata.get("invertscope.format"),
        "maxAbsDiff": float((output.double() - expected).abs().max()),
        "maxAbsOutput": float(expected.abs().max()),
    }))


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    else:
        check(*sys.argv[2:6])
