import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { presetArchitecture, type PresetName } from '../../../../src/core/model/architecture';
import type { Rng } from '../../../../src/core/random/rng';
import { safetensorsBytes, stateDictTensors, nestedJson } from '../builders';
import type { BuiltCase, HostileCase } from './hostileCase';

/** A safetensors file split into its three parts, to be put back together with one part changed. */
interface Parts {
  readonly header: string;
  readonly data: Buffer;
}

function split(bytes: Buffer): Parts {
  const n = Number(bytes.readBigUInt64LE(0));
  return { header: bytes.subarray(8, 8 + n).toString('utf8'), data: bytes.subarray(8 + n) };
}

function join3(header: string | Buffer, data: Buffer, lengthField?: bigint): Buffer {
  const text = typeof header === 'string' ? Buffer.from(header, 'utf8') : header;
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(lengthField ?? BigInt(text.length));
  return Buffer.concat([prefix, text, data]);
}

type HeaderObject = Record<
  string,
  { dtype: string; shape: number[]; data_offsets: [number, number] } | Record<string, string>
>;

/** A valid state_dict of a paper model, cached per preset (the bytes are copied before any change). */
const validCache = new Map<string, Buffer>();
function valid(preset: PresetName = 'small', seed = 1): Buffer {
  const key = `${preset}-${seed}`;
  if (!validCache.has(key)) validCache.set(key, safetensorsBytes(stateDictTensors(seed, presetArchitecture(preset))));
  return Buffer.from(validCache.get(key) as Buffer);
}

function fileCase(name: string, build: (rng: Rng) => { bytes: Buffer; mentions: string[] }, rng: Rng): HostileCase {
  return {
    family: 'safetensors',
    name,
    status: 3,
    build(folder: string): BuiltCase {
      const { bytes, mentions } = build(rng);
      const file = join(folder, 'model.safetensors');
      writeFileSync(file, bytes);
      return { args: ['import', file, '--runs', join(folder, 'runs')], mentions: [file, ...mentions] };
    },
  };
}

const pick = <T>(rng: Rng, items: readonly T[]): T => items[rng.int(items.length)];

/** Changes the parsed header of a valid file and writes it back (offsets and data untouched unless `change` says). */
function withHeader(change: (h: HeaderObject, rng: Rng) => string[], preset: PresetName = 'small') {
  return (rng: Rng) => {
    const parts = split(valid(preset));
    const header = JSON.parse(parts.header) as HeaderObject;
    const mentions = change(header, rng);
    return { bytes: join3(JSON.stringify(header), parts.data), mentions };
  };
}

/** About 80 malformed safetensors files, each refused by `invertscope import` with the file and field named. */
export function safetensorsCases(rng: Rng): HostileCase[] {
  const cases: HostileCase[] = [];
  const add = (count: number, name: string, build: (rng: Rng) => { bytes: Buffer; mentions: string[] }) => {
    for (let i = 0; i < count; i++) cases.push(fileCase(`${name} #${i + 1}`, build, rng.fork(`${name}-${i}`)));
  };

  add(3, 'length field beyond the file', (r) => {
    const parts = split(valid());
    const grown =
      BigInt(Buffer.byteLength(parts.header) + parts.data.length + 1 + r.int(1e6)) *
      BigInt(1 + r.int(4)) ** BigInt(r.int(30));
    const lie = grown < 2n ** 64n ? grown : 2n ** 64n - 1n - BigInt(r.int(1000));
    return { bytes: join3(parts.header, parts.data, lie), mentions: ['header length', String(lie)] };
  });
  add(2, 'length field below 2', (r) => ({
    bytes: join3('', Buffer.from('{}'), BigInt(r.int(2))),
    mentions: ['header length'],
  }));
  add(3, 'file shorter than the length field', (r) => ({
    bytes: valid().subarray(0, r.int(8)),
    mentions: ['header length', 'shorter than the 8-byte'],
  }));
  add(4, 'file cut inside the header', (r) => {
    const bytes = valid();
    return {
      bytes: bytes.subarray(0, 9 + r.int(Number(bytes.readBigUInt64LE(0)) - 2)),
      mentions: ['header length', 'more than'],
    };
  });
  add(4, 'file cut inside the data', (r) => {
    const bytes = valid();
    const n = 8 + Number(bytes.readBigUInt64LE(0));
    return { bytes: bytes.subarray(0, n + r.int(bytes.length - n - 1)), mentions: ['data_offsets', 'reaches outside'] };
  });
  add(8, 'a stray bracket in the header', (r) => {
    const parts = split(valid(pick(r, ['small', 'base'] as const)));
    const text = Buffer.from(parts.header, 'utf8');
    const at = r.int(text.length);
    text[at] = pick(r, [0x7b, 0x5b, 0x22]);
    return { bytes: join3(text, parts.data), mentions: [] };
  });
  add(3, 'bytes that are not UTF-8 in a name', (r) => {
    const parts = split(valid());
    const text = Buffer.from(parts.header, 'utf8');
    const names = [...parts.header.matchAll(/"\d+\.(weight|bias)"/g)];
    const m = pick(r, names);
    text[m.index + 2] = 0xc0 + r.int(32);
    return { bytes: join3(text, parts.data), mentions: ['header', 'UTF-8'] };
  });
  add(6, 'JSON nested deeply', (r) => {
    const depth = pick(r, [33, 100, 5_000, 20_000, 200_000]) + r.int(50);
    const kind = pick(r, ['array', 'object', 'mixed'] as const);
    const where =
      r.int(2) === 0 ? `{"__metadata__":{"a":${nestedJson(depth, kind)}}}` : `{"1.weight":${nestedJson(depth, kind)}}`;
    return { bytes: join3(where, Buffer.alloc(0)), mentions: ['header', 'levels deep'] };
  });
  add(
    4,
    'an unknown dtype',
    withHeader((h, r) => {
      const name = pick(
        r,
        Object.keys(h).filter((k) => k !== '__metadata__'),
      );
      const dtype = pick(r, ['F31', 'f32', 'FLOAT', '', 'Q4_0', 'F8_E4M3']);
      (h[name] as { dtype: string }).dtype = dtype;
      return [name, 'dtype', JSON.stringify(dtype)];
    }),
  );
  add(
    4,
    'a dtype Invertscope does not import',
    withHeader((h, r) => {
      const name = pick(r, ['1.weight', '1.bias']);
      const entry = h[name] as { dtype: string; shape: number[] };
      const [dtype, per] = pick(r, [
        ['I32', 1],
        ['U32', 1],
        ['U8', 4],
        ['I8', 4],
      ] as const);
      entry.dtype = dtype;
      // A one-byte dtype needs four times the elements to fill the same bytes; the shape is then wrong too, and said first.
      if (per !== 1) entry.shape = [...entry.shape.slice(0, -1), entry.shape[entry.shape.length - 1] * per];
      return [name, per === 1 ? 'dtype' : 'shape'];
    }),
  );
  add(
    4,
    'a shape that disagrees with its byte range',
    withHeader((h, r) => {
      const name = pick(r, ['1.weight', '1.bias']);
      const entry = h[name] as { shape: number[] };
      entry.shape = entry.shape.map((d, i) => (i === 0 ? d + 1 + r.int(1000) : d));
      return [name, 'shape'];
    }),
  );
  add(
    4,
    'an impossible dimension',
    withHeader((h, r) => {
      const name = pick(r, ['1.weight', '1.bias']);
      const bad = pick(r, [-1, 1.5, 2 ** 53, -(2 ** 31), 1e300]);
      (h[name] as { shape: number[] }).shape[0] = bad;
      return [name, 'shape[0]'];
    }),
  );
  add(
    5,
    'data offsets out of order or out of range',
    withHeader((h, r) => {
      const name = pick(r, ['1.weight', '1.bias']);
      const entry = h[name] as { data_offsets: [number, number] };
      const [b, e] = entry.data_offsets;
      entry.data_offsets = pick(r, [
        [e, b],
        [b, e + 4 * (1 + r.int(100))],
        [b + 4, e + 4],
        [-4, e],
        [b, 2 ** 60],
      ] as [number, number][]);
      return [name, 'data_offsets'];
    }),
  );
  add(4, 'a tensor missing', (r) => {
    const tensors = stateDictTensors(2, presetArchitecture(pick(r, ['small', 'base'] as const)));
    const name = pick(r, [...tensors.keys()]);
    tensors.delete(name);
    return { bytes: safetensorsBytes(tensors), mentions: [name, 'missing'] };
  });
  add(
    3,
    'a tensor that is not a Linear parameter',
    withHeader((h, r) => {
      const name = pick(r, ['classifier.weight', '1.running_mean', 'weight', '01.weight', '1.weight.extra']);
      h[name] = h['1.bias'];
      delete h['1.bias'];
      return [JSON.stringify(name)];
    }),
  );
  add(3, 'Linear layers at indices the model cannot have', (r) => {
    const tensors = stateDictTensors(3, presetArchitecture('small'));
    const index = pick(r, [0, 2, 5, 1000]);
    const renamed = new Map([...tensors].map(([k, v]) => [k.replace(/^1\./, `${index}.`), v]));
    return { bytes: safetensorsBytes(renamed), mentions: [`${index}.weight`] };
  });
  add(4, 'non-finite weights', (r) => {
    const arch = presetArchitecture(pick(r, ['small', 'noact'] as const));
    const tensors = stateDictTensors(4, arch);
    const name = pick(r, [...tensors.keys()]);
    const data = tensors.get(name)?.data as Float32Array;
    const index = r.int(data.length);
    const value = pick(r, [Number.NaN, Infinity, -Infinity]);
    data[index] = value;
    return { bytes: safetensorsBytes(tensors), mentions: [`tensor "${name}"[${index}]`, `is ${value}`] };
  });
  add(3, 'metadata values that are not strings', (r) => {
    const parts = split(valid());
    const header = JSON.parse(parts.header) as HeaderObject;
    const value = pick(r, [1, null, true, { a: 'b' }, ['x']]);
    const key = pick(r, ['format', 'invertscope.format', 'x']);
    (header as Record<string, unknown>).__metadata__ = { [key]: value };
    return { bytes: join3(JSON.stringify(header), parts.data), mentions: ['__metadata__', key] };
  });
  add(3, 'Invertscope metadata that is not what it claims', (r) => {
    const [key, value] = pick(r, [
      ['invertscope.format', 'checkpoint/99'],
      [
        'invertscope.architecture',
        '{"name": "x", "width": 1000000000, "layers": [{"activation": true}], "negativeSlope": 0.01, "parametrization": "dense"}',
      ],
      ['invertscope.training', '{"epoch": -1}'],
    ] as const);
    const metadata = {
      'invertscope.format': 'checkpoint/1',
      'invertscope.architecture':
        '{"name":"small","width":784,"layers":[{"activation":true}],"negativeSlope":0.01,"parametrization":"dense"}',
      'invertscope.training':
        '{"epoch":1,"globalStep":1,"objective":"seed","seed":0,"trainLoss":1,"testLoss":1,"createdAt":"2026-01-01T00:00:00Z","invertscopeVersion":"0.1.0"}',
      [key]: value,
    };
    return { bytes: safetensorsBytes(stateDictTensors(5), metadata), mentions: [key] };
  });
  add(2, 'a duplicated tensor name', (r) => {
    const parts = split(valid());
    const name = pick(r, ['1.weight', '1.bias']);
    const entry = parts.header.match(new RegExp(`"${name.replace('.', '\\.')}":\\{[^}]*\\}`))?.[0] as string;
    return {
      bytes: join3(parts.header.replace(/}\s*$/, `,${entry}}`), parts.data),
      mentions: [name, 'more than once'],
    };
  });
  add(2, 'an empty file', () => ({ bytes: Buffer.alloc(0), mentions: ['header length'] }));
  return cases;
}
