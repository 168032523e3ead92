import type { Architecture } from '../../model/architecture';

/**
 * A flow as the SIMD engine sees it: a list of stages, each a layer kind with its own
 * settings. Today's architectures give LU layers (W = P·L·U plus a bias) each optionally
 * followed by a LeakyReLU; a new kind (a per-pixel affine layer, say) is a new entry here
 * with its own work items in flowPlan, not a special case of an existing one.
 */
export type FlowStage =
  { readonly kind: 'lu'; readonly layer: number } | { readonly kind: 'leakyRelu'; readonly slope: number };

/**
 * What the engine schedules: a parametrized map fused with the activation that follows it
 * (its pre-activation and output are produced by the same work item, and its backward pass
 * starts from the activation's gradient). slope null: no activation.
 */
export interface FlowBlock {
  readonly map: Extract<FlowStage, { kind: 'lu' }>;
  readonly slope: number | null;
}

export function flowStages(arch: Architecture): FlowStage[] {
  return arch.layers.flatMap((spec, layer): FlowStage[] =>
    spec.activation
      ? [
          { kind: 'lu', layer },
          { kind: 'leakyRelu', slope: arch.negativeSlope },
        ]
      : [{ kind: 'lu', layer }],
  );
}

/** Groups stages into blocks; throws a RangeError naming the stage that cannot be scheduled. */
export function flowBlocks(stages: readonly FlowStage[]): FlowBlock[] {
  const blocks: FlowBlock[] = [];
  stages.forEach((stage, i) => {
    if (stage.kind === 'lu') {
      blocks.push({ map: stage, slope: null });
      return;
    }
    const last = blocks[blocks.length - 1];
    if (!last || last.slope !== null || stages[i - 1]?.kind !== 'lu') {
      throw new RangeError(`simd flow engine: stage ${i} (LeakyReLU) must follow an LU layer`);
    }
    if (!(stage.slope > 0 && stage.slope <= 1))
      throw new RangeError(`simd flow engine: stage ${i} has LeakyReLU slope ${stage.slope}, expected (0, 1]`);
    blocks[blocks.length - 1] = { ...last, slope: stage.slope };
  });
  return blocks;
}
