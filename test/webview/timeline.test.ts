import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TrajectoryPoint } from '../../src/core/analysis/trajectoryTypes';
import type { TrajectoryMessage, WebviewMessage } from '../../src/contracts/inspectorProtocol';
import { percentOf, threeSignificant } from './expected';
import { buildRun, SEED_RUN_ID } from './fixtures';
import type { InspectorPage } from './harness/inspectorPage';
import { browserSuite, TEST_TIMEOUT_MS } from './harness/suite';
import { buildPoint } from './trajectoryFixtures';

const ofType =
  <T extends WebviewMessage['type']>(type: T) =>
  (m: WebviewMessage): m is Extract<WebviewMessage, { type: T }> =>
    m.type === type;

/** What the host sends as points arrive: those known, the epochs still missing, what is being computed. */
function trajectory(
  points: readonly TrajectoryPoint[],
  missing: readonly number[],
  computing: TrajectoryMessage['computing'] = null,
  problem: string | null = null,
): TrajectoryMessage {
  return { type: 'trajectory', runId: SEED_RUN_ID, points, missing, computing, problem };
}

const point = (epoch: number): TrajectoryPoint => buildPoint(SEED_RUN_ID, epoch);

/** The timeline's figure cards, by figure id. */
const figure = (p: InspectorPage, id: string) =>
  p.page.locator(`.timeline [data-card="trajectory"][data-figure="${id}"]`);

async function fullTimeline(p: InspectorPage): Promise<void> {
  await p.host.next(ofType('watchTrajectory'));
  await p.send(trajectory([point(10), point(50), point(100)], []));
  await figure(p, 'jacobian-condition').locator('g.dots > path.trajectory-dot').nth(2).waitFor({ state: 'attached' });
}

describe('inspector timeline', { timeout: 150_000 }, () => {
  const suite = browserSuite();

  it(
    "asks for its run's trajectory and fills in as points arrive one by one, saying what it computes",
    { timeout: TEST_TIMEOUT_MS },
    async () => {
      await suite.run('timeline-arriving', { answer: 'manual' }, async (p) => {
        const watch = await p.host.next(ofType('watchTrajectory'));
        assert.deepEqual(watch, { type: 'watchTrajectory', runId: SEED_RUN_ID });
        const status = p.page.locator('.timeline-status');

        await p.send(
          trajectory([], [10, 50, 100], {
            epoch: 10,
            message: 'epoch 10: singular values of layer 2 of 4',
            fraction: 0.25,
          }),
        );
        await status
          .getByText('0 of 3 checkpoints analysed; analysing epoch 10: singular values of layer 2 of 4 (25%).')
          .waitFor();
        assert.equal(
          await p.page.locator('.timeline [data-card="trajectory"]').count(),
          0,
          'no figure before the first point',
        );
        assert.equal(
          await p.page.locator('.timeline progress').evaluate((e) => (e as unknown as { value: number }).value),
          0.25,
        );

        await p.send(trajectory([point(10)], [50, 100], { epoch: 50, message: 'epoch 50: starting', fraction: null }));
        await figure(p, 'jacobian-condition')
          .locator('g.dots > path.trajectory-dot')
          .first()
          .waitFor({ state: 'attached' });
        assert.deepEqual(
          await p.page
            .locator('.timeline [data-card="trajectory"]')
            .evaluateAll((cards) => cards.map((c) => c.getAttribute('data-figure'))),
          ['layer-condition', 'jacobian-condition', 'round-trips', 'generation'],
        );
        assert.equal(await figure(p, 'jacobian-condition').locator('g.dots > path.trajectory-dot').count(), 1);
        // The axis spans every checkpoint from the first point on: later points fill it rather than rescale it.
        assert.equal(
          (await figure(p, 'jacobian-condition').locator('g.axis-x .tick text').allTextContents()).at(-1),
          '100',
        );

        await p.send(
          trajectory([point(10), point(50)], [100], {
            epoch: 100,
            message: 'epoch 100: float64 inverse of the float32 embeddings',
            fraction: 0.6,
          }),
        );
        await figure(p, 'jacobian-condition')
          .locator('g.dots > path.trajectory-dot')
          .nth(1)
          .waitFor({ state: 'attached' });
        assert.equal(
          await figure(p, 'round-trips').locator('g.dots > path.trajectory-dot').count(),
          6,
          'three round trips at two checkpoints',
        );
        await p.page.locator('.timeline').scrollIntoViewIfNeeded();
        await p.screenshot('timeline-computing');
        await p.send(trajectory([point(10), point(50), point(100)], []));
        await status.getByText(/^All 3 checkpoints analysed\./).waitFor();
        assert.equal(await figure(p, 'jacobian-condition').locator('g.dots > path.trajectory-dot').count(), 3);
        assert.equal(await p.page.locator('.timeline progress').isHidden(), true);
        // Both precision limits on both κ figures.
        for (const id of ['layer-condition', 'jacobian-condition']) {
          assert.deepEqual(await figure(p, id).locator('.limit-label').allTextContents(), ['f32 1/ε', 'f64 1/ε'], id);
        }
        assert.equal(
          await figure(p, 'layer-condition').locator('g.lines > path.trajectory-line').count(),
          4,
          'one line per layer',
        );
      });
    },
  );

  it('shows every value at the epoch under the pointer', { timeout: TEST_TIMEOUT_MS }, async () => {
    await suite.run('timeline-hover', { answer: 'manual' }, async (p) => {
      await fullTimeline(p);
      const dot = figure(p, 'round-trips').locator('g.dots > path.trajectory-dot[data-epoch="50"]').first();
      await dot.scrollIntoViewIfNeeded();
      const box = (await dot.boundingBox()) as { x: number; y: number; width: number; height: number };
      await p.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await p.tooltip().waitFor({ state: 'visible' });
      const tip = (await p.tooltip().textContent()) ?? '';
      const trips = point(50).roundTrips;
      assert.match(tip, /^Epoch 50/);
      for (const [label, stats] of [
        ['float32 round trip', trips.float32],
        ['float32 embedding, float64 inverse', trips.mixed],
        ['float64 round trip', trips.float64],
      ] as const) {
        assert.ok(tip.includes(`${label}${percentOf(stats.brokenFraction)}`), `${label} in ${tip}`);
      }
      const kappa = figure(p, 'jacobian-condition').locator('g.dots > path.trajectory-dot[data-epoch="100"]');
      const kBox = (await kappa.boundingBox()) as { x: number; y: number; width: number; height: number };
      await p.page.mouse.move(kBox.x + kBox.width / 2, kBox.y + kBox.height / 2);
      await p.tooltip().getByText('Epoch 100').waitFor();
      const j = point(100).jacobian;
      assert.ok(
        ((await p.tooltip().textContent()) ?? '').includes(
          `κ(J)${j.resolvable ? '' : '> '}${threeSignificant(j.cond)}`,
        ),
      );
    });
  });

  it(
    'moves the inspector to the checkpoint of the epoch clicked, and marks it in every figure',
    { timeout: TEST_TIMEOUT_MS },
    async () => {
      await suite.run('timeline-click', { answer: 'manual' }, async (p) => {
        await fullTimeline(p);
        const rule = () => figure(p, 'jacobian-condition').locator('line.selected-epoch').getAttribute('x1');
        const before = await rule();
        const dot = figure(p, 'jacobian-condition').locator('g.dots > path.trajectory-dot[data-epoch="10"]');
        await dot.scrollIntoViewIfNeeded();
        const box = (await dot.boundingBox()) as { x: number; y: number; width: number; height: number };
        await p.page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
        const select = await p.host.next(
          (m): m is Extract<WebviewMessage, { type: 'selectCheckpoint' }> =>
            m.type === 'selectCheckpoint' && m.ref.epoch === 10,
        );
        assert.deepEqual(select.ref, { runId: SEED_RUN_ID, epoch: 10 });
        await p.page.locator('.checkpoint-tick.is-current', { hasText: /^10$/ }).waitFor();
        await p.column(0).getByText('Analysing epoch 10').waitFor();
        let moved = before;
        for (let i = 0; i < 50 && moved === before; i++) {
          moved = await rule();
          await p.page.waitForTimeout(50);
        }
        assert.notEqual(moved, before, "the selected epoch's rule moved");
        await p.page.keyboard.press('Escape');
        await p.screenshot('timeline');
      });
    },
  );

  it(
    'extends the timeline of a run still training when it writes a checkpoint',
    { timeout: TEST_TIMEOUT_MS },
    async () => {
      await suite.run('timeline-live', { answer: 'manual' }, async (p) => {
        await fullTimeline(p);
        const grown = buildRun({
          id: SEED_RUN_ID,
          objective: 'seed',
          status: 'running',
          epochs: 500,
          epochsCompleted: 500,
          checkpointEpochs: [10, 50, 100, 500],
        });
        await p.send({ type: 'run', run: grown });
        await p.send(
          trajectory([point(10), point(50), point(100)], [500], {
            epoch: 500,
            message: 'epoch 500: starting',
            fraction: null,
          }),
        );
        await p.page
          .locator('.timeline-status')
          .getByText(/^3 of 4 checkpoints analysed; analysing epoch 500/)
          .waitFor();
        await p.send(trajectory([point(10), point(50), point(100), point(500)], []));
        await figure(p, 'jacobian-condition')
          .locator('g.dots > path.trajectory-dot[data-epoch="500"]')
          .waitFor({ state: 'attached' });
        assert.equal(await figure(p, 'jacobian-condition').locator('g.dots > path.trajectory-dot').count(), 4);
      });
    },
  );

  it('says why a point could not be computed, and keeps the others', { timeout: TEST_TIMEOUT_MS }, async () => {
    await suite.run('timeline-problem', { answer: 'manual' }, async (p) => {
      await p.host.next(ofType('watchTrajectory'));
      await p.send(
        trajectory(
          [point(10)],
          [50, 100],
          null,
          'The point of epoch 50 could not be computed: the checkpoint file is truncated',
        ),
      );
      await p.page
        .locator('.timeline-status')
        .getByText(
          '1 of 3 checkpoints analysed. The point of epoch 50 could not be computed: the checkpoint file is truncated',
        )
        .waitFor();
      assert.equal(await figure(p, 'jacobian-condition').locator('g.dots > path.trajectory-dot').count(), 1);
    });
  });
});
