// What the Node bundles get for `require('@tensorflow/tfjs')` (scripts/build.mjs aliases it):
// tfjs-core with its gradients, chained ops and CPU backend, set up as the union package sets
// them up, without the union's layers, converter, data and WebGL parts, which Invertscope
// does not use. The compiled sources (out/) load the union package itself.
import '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-backend-cpu';
