import type { Architecture } from '../../src/core/model/architecture';
import { ADAM } from '../../src/core/train/engine';
import type { LuLayer } from '../../src/core/train/flow/luLayer';

/**
 * A float64 reference for the flow objective with LU layers, written for
 * clarity and independently of the engines: forward pass, hand-derived backward
 * pass (including the boundary surrogate of the LeakyReLU log-determinant) and
 * PyTorch's Adam over the packed factors, biases and a learned prior.
 */
export interface FlowReferenceState {
  packed: Float64Array[];
  readonly sign: Float64Array[];
  readonly perm: Int32Array[];
  biases: Float64Array[];
  /** Learned prior (classes × n), or null for the paper's N(2a·1, I). */
  prior: { mean: Float64Array; logStd: Float64Array } | null;
  m: Float64Array[];
  v: Float64Array[];
  step: number;
}

export function flowReferenceState(
  layers: readonly LuLayer[],
  biases: readonly Float32Array[],
  prior: { mean: Float32Array; logStd: Float32Array } | null,
): FlowReferenceState {
  const packed = layers.map((l) => Float64Array.from(l.packed));
  const b = biases.map((x) => Float64Array.from(x));
  const p = prior ? { mean: Float64Array.from(prior.mean), logStd: Float64Array.from(prior.logStd) } : null;
  const all = [...packed, ...b, ...(p ? [p.mean, p.logStd] : [])];
  return {
    packed,
    sign: layers.map((l) => Float64Array.from(l.sign)),
    perm: layers.map((l) => l.perm.slice()),
    biases: b,
    prior: p,
    m: all.map((a) => new Float64Array(a.length)),
    v: all.map((a) => new Float64Array(a.length)),
    step: 0,
  };
}

function parameters(s: FlowReferenceState): Float64Array[] {
  return [...s.packed, ...s.biases, ...(s.prior ? [s.prior.mean, s.prior.logStd] : [])];
}

const sigmoid = (t: number) => 1 / (1 + Math.exp(-t));

function forward(arch: Architecture, s: FlowReferenceState, x: Float64Array, count: number) {
  const n = arch.width;
  const ins: Float64Array[] = [],
    vs: Float64Array[] = [],
    ws: Float64Array[] = [],
    pres: Float64Array[] = [];
  let h = x;
  arch.layers.forEach((layer, l) => {
    const P = s.packed[l];
    const v = new Float64Array(count * n),
      w = new Float64Array(count * n),
      a = new Float64Array(count * n);
    for (let r = 0; r < count; r++) {
      for (let i = 0; i < n; i++) {
        let sum = s.sign[l][i] * Math.exp(P[i * n + i]) * h[r * n + i];
        for (let j = i + 1; j < n; j++) sum += P[i * n + j] * h[r * n + j];
        v[r * n + i] = sum;
      }
      for (let i = 0; i < n; i++) {
        let sum = v[r * n + i];
        for (let j = 0; j < i; j++) sum += P[i * n + j] * v[r * n + j];
        w[r * n + i] = sum;
      }
      for (let i = 0; i < n; i++) a[r * n + i] = w[r * n + s.perm[l][i]] + s.biases[l][i];
    }
    ins.push(h);
    vs.push(v);
    ws.push(w);
    pres.push(a);
    h = layer.activation ? a.map((t) => (t < 0 ? arch.negativeSlope * t : t)) : a;
  });
  return { ins, vs, ws, pres, z: h };
}

/**
 * Batch-mean loss and parts [latent, −log|det J|]. With `smoothTau` > 0 the
 * count of negative pre-activations is replaced by Σ sigmoid(−a/τ): the
 * function whose gradient the boundary surrogate uses.
 */
export function referenceFlowLoss(
  arch: Architecture,
  s: FlowReferenceState,
  x: Float64Array,
  labels: ArrayLike<number>,
  count: number,
  smoothTau = 0,
) {
  const n = arch.width;
  const { pres, z } = forward(arch, s, x, count);
  let latent = 0,
    negLogDet = 0;
  for (let r = 0; r < count; r++) {
    for (let j = 0; j < n; j++) {
      const mu = s.prior ? s.prior.mean[labels[r] * n + j] : 2 * labels[r];
      const ls = s.prior ? s.prior.logStd[labels[r] * n + j] : 0;
      const d = (z[r * n + j] - mu) * Math.exp(-ls);
      latent += 0.5 * d * d + ls;
    }
    latent += 0.5 * n * Math.log(2 * Math.PI);
  }
  arch.layers.forEach((layer, l) => {
    for (let i = 0; i < n; i++) negLogDet -= count * s.packed[l][i * n + i];
    if (!layer.activation) return;
    for (const a of pres[l]) {
      const c = smoothTau > 0 ? sigmoid(-a / smoothTau) : a < 0 ? 1 : 0;
      negLogDet -= Math.log(arch.negativeSlope) * c;
    }
  });
  return {
    loss: (latent + negLogDet) / count,
    parts: [latent / count, negLogDet / count] as [number, number],
    z,
    pres,
  };
}

/** Gradients of the batch-mean loss, in the order packed…, biases…, prior mean, prior logStd; `tau` > 0 adds the surrogate. */
export function referenceFlowGradients(
  arch: Architecture,
  s: FlowReferenceState,
  x: Float64Array,
  labels: ArrayLike<number>,
  count: number,
  tau: number,
): Float64Array[] {
  const n = arch.width;
  const alpha = arch.negativeSlope;
  const { ins, vs, pres, z } = forward(arch, s, x, count);
  let dh = new Float64Array(count * n);
  const dMean = s.prior ? new Float64Array(s.prior.mean.length) : null;
  const dLogStd = s.prior ? new Float64Array(s.prior.logStd.length) : null;
  for (let r = 0; r < count; r++) {
    for (let j = 0; j < n; j++) {
      const k = labels[r] * n + j;
      const mu = s.prior ? s.prior.mean[k] : 2 * labels[r];
      const ls = s.prior ? s.prior.logStd[k] : 0;
      const e = (z[r * n + j] - mu) * Math.exp(-2 * ls);
      dh[r * n + j] = e / count;
      if (dMean && dLogStd) {
        dMean[k] -= e / count;
        dLogStd[k] += (1 - (z[r * n + j] - mu) ** 2 * Math.exp(-2 * ls)) / count;
      }
    }
  }
  const dPacked: Float64Array[] = [],
    dBias: Float64Array[] = [];
  for (let l = arch.layers.length - 1; l >= 0; l--) {
    const P = s.packed[l],
      a = pres[l],
      v = vs[l],
      h = ins[l];
    const da = new Float64Array(count * n);
    for (let k = 0; k < da.length; k++) {
      if (!arch.layers[l].activation) {
        da[k] = dh[k];
        continue;
      }
      da[k] = dh[k] * (a[k] < 0 ? alpha : 1);
      if (tau > 0) {
        const sg = sigmoid(-a[k] / tau);
        da[k] += (-Math.log(alpha) * (-1 / tau) * sg * (1 - sg)) / count;
      }
    }
    const dP = new Float64Array(n * n),
      db = new Float64Array(n),
      dx = new Float64Array(count * n);
    for (let r = 0; r < count; r++) {
      const dw = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        dw[s.perm[l][i]] = da[r * n + i];
        db[i] += da[r * n + i];
      }
      const dv = Float64Array.from(dw);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < i; j++) {
          dP[i * n + j] += dw[i] * v[r * n + j];
          dv[j] += dw[i] * P[i * n + j];
        }
      }
      for (let i = 0; i < n; i++) {
        const uii = s.sign[l][i] * Math.exp(P[i * n + i]);
        dP[i * n + i] += dv[i] * h[r * n + i] * uii;
        dx[r * n + i] += dv[i] * uii;
        for (let j = i + 1; j < n; j++) {
          dP[i * n + j] += dv[i] * h[r * n + j];
          dx[r * n + j] += dv[i] * P[i * n + j];
        }
      }
    }
    for (let i = 0; i < n; i++) dP[i * n + i] -= 1;
    dPacked[l] = dP;
    dBias[l] = db;
    dh = dx;
  }
  return [...dPacked, ...dBias, ...(dMean && dLogStd ? [dMean, dLogStd] : [])];
}

/**
 * One Adam step (torch.optim.Adam) on the reference, the learning rate scaled
 * as PyTorch's LambdaLR with min(1, (s+1)/warmup)·½(1 + cos(π·min(s, T)/T))
 * would (s = steps taken before this one; no decay without T); returns the loss
 * before the update.
 */
export function referenceFlowTrainStep(
  arch: Architecture,
  baseLr: number,
  s: FlowReferenceState,
  x: Float64Array,
  labels: ArrayLike<number>,
  count: number,
  tau: number,
  warmup = 0,
  cosineSteps?: number,
) {
  const before = referenceFlowLoss(arch, s, x, labels, count);
  const grads = referenceFlowGradients(arch, s, x, labels, count, tau);
  const taken = s.step;
  s.step += 1;
  const warm = warmup > 0 ? Math.min(1, (taken + 1) / warmup) : 1;
  const decay =
    cosineSteps === undefined ? 1 : 0.5 * (1 + Math.cos((Math.PI * Math.min(taken, cosineSteps)) / cosineSteps));
  const lr = baseLr * warm * decay;
  const { beta1, beta2, epsilon } = ADAM;
  const c1 = 1 - beta1 ** s.step,
    c2 = 1 - beta2 ** s.step;
  parameters(s).forEach((p, k) => {
    const g = grads[k],
      m = s.m[k],
      v = s.v[k];
    for (let i = 0; i < p.length; i++) {
      m[i] = beta1 * m[i] + (1 - beta1) * g[i];
      v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
      p[i] -= ((lr / c1) * m[i]) / (Math.sqrt(v[i]) / Math.sqrt(c2) + epsilon);
    }
  });
  return before;
}

/** The parameters as a flat list, in gradient order (for finite differences). */
export function referenceParameters(s: FlowReferenceState): Float64Array[] {
  return parameters(s);
}
