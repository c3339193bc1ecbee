/**
 * The toy-problem page: the spirals classifier and the quadratic bowl, each animated one frame at a time. The
 * backend switch applies to both (it is @nn's global backend); switching restarts them.
 */
import { getBackend, manualSeed, setBackend } from '@nn/tensor';
import { byTestId, offerWebGpu, show } from '../dom.js';
import { BOWL, LR, OPTIMIZERS, START, STEPS as BOWL_STEPS, Walker, bowlValue, type OptimizerName } from './bowl.js';
import { EXTENT, SPIRAL_DEFAULTS, SpiralsTrainer } from './spirals.js';

const nextFrame = () => new Promise((ok) => requestAnimationFrame(ok));

const SPIRAL_STEPS = 300;
/** Milliseconds of training per animation frame (the CPU fits several steps; a WebGPU step waits for its readback). */
const FRAME_BUDGET = 25;
const COLORS = ['#c0392b', '#1f5fbf', '#27ae60'];
const REGION_COLORS = ['#f5c6c0', '#c3d5f2', '#c4ebd2'];
const PATH_COLORS: Record<OptimizerName, string> = { sgd: COLORS[0]!, momentum: COLORS[1]!, adam: COLORS[2]! };

/** Each run gets a number; a loop stops when a newer run of the same demo has started. */
const runs = { spirals: 0, bowl: 0 };

function fail(where: string, e: unknown): void {
  const message = e instanceof Error ? e.message : String(e);
  show(`${where}-status`, `error: ${message}`);
  console.error(`${where}: ${message}`);
}

async function runSpirals(): Promise<void> {
  const run = ++runs.spirals;
  const classes = Number(byTestId<HTMLSelectElement>('spirals-classes').value);
  manualSeed(SPIRAL_DEFAULTS.seed); // every run, on either backend, starts from the same weights
  const trainer = new SpiralsTrainer({ ...SPIRAL_DEFAULTS, classes });
  show('spirals-steps', SPIRAL_STEPS);
  show('spirals-step', 0);
  for (const id of ['spirals-loss', 'spirals-accuracy']) show(id, '–');
  show('spirals-status', 'training');
  const canvas = byTestId<HTMLCanvasElement>('spirals-canvas');
  const g = canvas.getContext('2d')!;
  const side = 64;
  // Painting classifies side² points, which on a slow device (WebGPU on a CPU emulator) costs more than many
  // steps: repaint only as often as keeps painting to about a fifth of the time.
  let paintCost = 0;
  let paintedAt = -Infinity;
  try {
    while (trainer.steps < SPIRAL_STEPS && run === runs.spirals) {
      const start = performance.now();
      let last = { loss: NaN, accuracy: NaN };
      do last = await trainer.step();
      while (trainer.steps < SPIRAL_STEPS && performance.now() - start < FRAME_BUDGET);
      if (trainer.steps === SPIRAL_STEPS || performance.now() - paintedAt > 4 * paintCost) {
        const t = performance.now();
        const regions = await trainer.regions(side);
        if (run !== runs.spirals) break;
        paintSpirals(g, canvas.width, regions, side, trainer.points);
        paintedAt = performance.now();
        paintCost = paintedAt - t;
      }
      show('spirals-step', trainer.steps);
      show('spirals-loss', last.loss.toFixed(4));
      show('spirals-accuracy', `${(last.accuracy * 100).toFixed(1)}%`);
      await nextFrame();
    }
    if (run === runs.spirals) show('spirals-status', 'done');
  } finally {
    trainer.dispose();
  }
}

function paintSpirals(g: CanvasRenderingContext2D, size: number, regions: Int32Array, side: number, points: { x: Float32Array; y: Int32Array }): void {
  const cell = size / side;
  regions.forEach((c, k) => {
    g.fillStyle = REGION_COLORS[c]!;
    g.fillRect((k % side) * cell, Math.floor(k / side) * cell, cell + 0.5, cell + 0.5);
  });
  const toPx = (v: number) => ((v + EXTENT) / (2 * EXTENT)) * size;
  points.y.forEach((c, k) => {
    g.fillStyle = COLORS[c]!;
    g.beginPath();
    g.arc(toPx(points.x[2 * k]!), size - toPx(points.x[2 * k + 1]!), 2.5, 0, 2 * Math.PI);
    g.fill();
  });
}

/** The bowl's view: w₀ ∈ [-5, 1] by w₁ ∈ [-2.5, 2.5] (scaled equally, so the valley looks as narrow as it is). */
const VIEW = { x0: -5, x1: 1, y0: -2.5, y1: 2.5, width: 480, height: 240 };
const px = (x: number) => ((x - VIEW.x0) / (VIEW.x1 - VIEW.x0)) * VIEW.width;
const py = (y: number) => VIEW.height - ((y - VIEW.y0) / (VIEW.y1 - VIEW.y0)) * VIEW.height;

/** Contours f = level as ellipses (a·x² + b·y² = 2·level), levels spaced geometrically like a loss landscape's. */
function contours(): string {
  const levels = Array.from({ length: 8 }, (_, i) => bowlValue(BOWL, ...START) * 0.45 ** i);
  const sx = VIEW.width / (VIEW.x1 - VIEW.x0);
  const sy = VIEW.height / (VIEW.y1 - VIEW.y0);
  return levels
    .map((l) => `<ellipse cx="${px(0)}" cy="${py(0)}" rx="${Math.sqrt((2 * l) / BOWL.a) * sx}" ry="${Math.sqrt((2 * l) / BOWL.b) * sy}" fill="none" stroke="#ddd"/>`)
    .join('');
}

async function runBowl(): Promise<void> {
  const run = ++runs.bowl;
  const walkers = OPTIMIZERS.map((name) => new Walker(name));
  show('bowl-steps', BOWL_STEPS);
  show('bowl-step', 0);
  for (const name of OPTIMIZERS) show(`bowl-distance-${name}`, '–');
  show('bowl-status', 'running');
  const svg = byTestId<SVGSVGElement>('bowl-chart');
  const background = `${contours()}<circle cx="${px(0)}" cy="${py(0)}" r="4" fill="#222"/><circle cx="${px(START[0])}" cy="${py(START[1])}" r="4" fill="none" stroke="#222"/>`;
  try {
    for (let step = 1; step <= BOWL_STEPS && run === runs.bowl; step++) {
      for (const w of walkers) await w.step();
      svg.innerHTML =
        background +
        walkers
          .map((w) => {
            const points = w.path.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ');
            const [x, y] = w.path.at(-1)!;
            return `<polyline fill="none" stroke="${PATH_COLORS[w.name]}" stroke-width="1.5" points="${points}"/><circle r="3" fill="${PATH_COLORS[w.name]}" cx="${px(x)}" cy="${py(y)}"/>`;
          })
          .join('');
      show('bowl-step', step);
      for (const w of walkers) show(`bowl-distance-${w.name}`, w.distance.toFixed(4));
      await nextFrame();
    }
    if (run === runs.bowl) show('bowl-status', 'done');
  } finally {
    for (const w of walkers) w.dispose();
  }
}

const startSpirals = () => runSpirals().catch((e) => fail('spirals', e));
const startBowl = () => runBowl().catch((e) => fail('bowl', e));

const backendSelect = byTestId<HTMLSelectElement>('backend-select');
offerWebGpu(backendSelect);
backendSelect.addEventListener('change', async () => {
  // Stop both loops before their tensors' backend changes under them.
  runs.spirals++;
  runs.bowl++;
  try {
    await setBackend(backendSelect.value === 'webgpu' ? 'webgpu' : 'cpu');
  } catch (e) {
    fail('spirals', e);
    return;
  }
  show('backend', getBackend());
  startSpirals();
  startBowl();
});
byTestId('spirals-start').addEventListener('click', startSpirals);
byTestId('spirals-classes').addEventListener('change', startSpirals);
byTestId('bowl-start').addEventListener('click', startBowl);

show('bowl-a', BOWL.a);
show('bowl-b', BOWL.b);
for (const name of OPTIMIZERS) show(`bowl-lr-${name}`, LR[name]);
show('backend', getBackend());
startSpirals();
startBowl();
