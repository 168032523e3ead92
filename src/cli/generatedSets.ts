import type { GeneratedSet } from '../core/analysis/types';

/** What a generated set sampled, in the words of the tables. */
export function sourceName(set: Pick<GeneratedSet, 'source' | 'prior'>): string {
  if (set.source === 'empirical') return 'class Gaussian';
  return set.prior === 'class' ? 'prior N(μa, T²Σa)' : 'N(2a, T²)';
}

/** 'generator' for samples of the objective's own target, 'control' for the class Gaussian of training embeddings. */
export function setRole(set: Pick<GeneratedSet, 'source' | 'role'>): 'generator' | 'control' {
  return set.role ?? (set.source === 'empirical' ? 'control' : 'generator');
}

/** Samples scored per seed of a set (all of them, in an analysis from before seeds were recorded). */
export function samplesPerSeed(set: Pick<GeneratedSet, 'samplesPerSeed' | 'perClass'>): number {
  return set.samplesPerSeed ?? set.perClass.reduce((sum, c) => sum + (c.sampleCount ?? c.images.length), 0);
}
