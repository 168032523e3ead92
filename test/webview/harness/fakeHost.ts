/**
 * The extension host's side of the protocol, as the browser tests need it: it
 * records every message the webview posts, answers 'ready' with the scene's run,
 * and (in 'auto' mode) answers checkpoint requests with a progress message and
 * then the checkpoint's analysis.
 */
import type { CheckpointAnalysis } from '../../../src/core/analysis/types';
import type { HostMessage, WebviewMessage } from '../../../src/contracts/inspectorProtocol';
import type { CheckpointRef } from '../../../src/shared/checkpointRef';
import { buildAnalysis, type InspectorScene } from '../fixtures';
import { MessageRecorder } from './messageRecorder';

export type AnswerMode = 'auto' | 'manual';

export class FakeHost extends MessageRecorder<WebviewMessage> {
  constructor(
    readonly scene: InspectorScene,
    private readonly send: (message: HostMessage) => Promise<void>,
    private readonly mode: AnswerMode,
  ) {
    super();
  }

  analysis(ref: CheckpointRef): CheckpointAnalysis {
    return buildAnalysis(ref.runId, ref.epoch, ref.runId === this.scene.flowRun.id ? 'flow' : 'seed');
  }

  async handle(message: WebviewMessage): Promise<void> {
    this.record(message);
    if (message.type === 'ready') {
      await this.send({ type: 'init', run: this.scene.run, metrics: this.scene.metrics, runs: this.scene.runs });
      return;
    }
    if (this.mode !== 'auto') return;
    if (message.type === 'requestCompare' && message.ref.runId === this.scene.flowRun.id) {
      await this.send({ type: 'run', run: this.scene.flowRun, metrics: this.scene.flowMetrics });
    }
    if (message.type === 'selectCheckpoint' || message.type === 'requestCompare' || message.type === 'retry') {
      await this.send({
        type: 'analysisProgress',
        ref: message.ref,
        message: 'Singular values of layer 3 of 4',
        fraction: 0.6,
      });
      await this.send({ type: 'analysis', ref: message.ref, analysis: this.analysis(message.ref) });
    }
  }
}
