/**
 * The MNIST page: starts a training worker on the chosen backend, shows its progress (numbers and live charts),
 * pauses and resumes it, and sends the digit drawn on the canvas to it for a prediction.
 */
import dataUrl from 'virtual:mnist-digits';
import { drawChart } from '../chart.js';
import { byTestId, offerWebGpu, show } from '../dom.js';
import { toMnist } from './preprocess.js';
import { DEFAULT_OPTIONS, checkOptions, type FromWorker, type ToWorker, type TrainOptions } from './protocol.js';

/** Training options from the query string (e.g. `?model=cnn&epochs=1&trainSize=2000`), for quick runs and tests. */
function optionsFromUrl(): TrainOptions {
  const options: Record<string, unknown> = { ...DEFAULT_OPTIONS };
  for (const [key, value] of new URLSearchParams(location.search)) {
    if (key === 'backend') continue;
    if (!(key in options)) throw new Error(`mnist: unknown option '${key}' in the URL (known: ${Object.keys(options).join(', ')}, backend)`);
    options[key] = key === 'model' ? value : Number(value);
  }
  checkOptions(options as unknown as TrainOptions);
  return options as unknown as TrainOptions;
}

let options = DEFAULT_OPTIONS;
try {
  options = optionsFromUrl();
} catch (e) {
  show('status', `error: ${(e as Error).message}`);
  byTestId<HTMLButtonElement>('start').disabled = true;
  console.error((e as Error).message);
}
const backendSelect = byTestId<HTMLSelectElement>('backend-select');
const urlBackend = new URLSearchParams(location.search).get('backend');
if (urlBackend === 'cpu' || urlBackend === 'webgpu') backendSelect.value = urlBackend;
offerWebGpu(backendSelect);
const modelSelect = byTestId<HTMLSelectElement>('model-select');
modelSelect.querySelector<HTMLOptionElement>('option[value=mlp]')!.textContent = `MLP: 784 → ${options.hidden} → 10`;
modelSelect.value = options.model;
show('epochs', options.epochs);

let worker: Worker | null = null;
let ready = false;
let totalSteps = 1;
/** Per-step batch loss and accuracy, exponentially smoothed (β = 0.95, bias-corrected) for display. */
let smoothLoss = 0;
let smoothAccuracy = 0;
let stepsSeen = 0;
let lossPoints: [number, number][] = [];
let trainAccuracyPoints: [number, number][] = [];
let testAccuracyPoints: [number, number][] = [];
let maxLoss = 2.5;

function setRunning(running: boolean, paused = false): void {
  byTestId<HTMLButtonElement>('pause').disabled = !running || paused;
  byTestId<HTMLButtonElement>('resume').disabled = !running || !paused;
  backendSelect.disabled = running;
  modelSelect.disabled = running;
}

function redraw(): void {
  drawChart(byTestId<SVGSVGElement>('chart-loss'), [{ label: 'training loss (smoothed)', color: '#c0392b', points: lossPoints }], {
    xMax: totalSteps, yMax: maxLoss, xLabel: 'step',
  });
  drawChart(
    byTestId<SVGSVGElement>('chart-accuracy'),
    [
      { label: 'batch accuracy (smoothed)', color: '#1f5fbf', points: trainAccuracyPoints },
      { label: 'test accuracy', color: '#27ae60', points: testAccuracyPoints, dots: true },
    ],
    { xMax: totalSteps, yMax: 1, xLabel: 'step', format: (y) => `${Math.round(y * 100)}%` },
  );
}

function onMessage(message: FromWorker): void {
  switch (message.type) {
    case 'ready':
      ready = true;
      totalSteps = message.stepsPerEpoch * options.epochs;
      show('backend', message.backend);
      show('data', `${message.trainImages} training / ${message.testImages} held-out digits`);
      show('model', `${modelSelect.selectedOptions[0]!.textContent} (${message.parameters.toLocaleString('en')} parameters)`);
      show('steps', totalSteps);
      show('status', 'training');
      setRunning(true);
      redraw();
      return;
    case 'progress':
      message.losses.forEach((loss, i) => {
        stepsSeen++;
        smoothLoss = 0.95 * smoothLoss + 0.05 * loss;
        smoothAccuracy = 0.95 * smoothAccuracy + 0.05 * message.accuracies[i]!;
        const correction = 1 - 0.95 ** stepsSeen;
        lossPoints.push([stepsSeen, smoothLoss / correction]);
        trainAccuracyPoints.push([stepsSeen, smoothAccuracy / correction]);
      });
      if (stepsSeen > 0) show('loss', (smoothLoss / (1 - 0.95 ** stepsSeen)).toFixed(4));
      maxLoss = Math.max(0.5, ...lossPoints.slice(0, 20).map(([, l]) => l));
      show('epoch', message.epoch);
      show('step', message.step);
      redraw();
      return;
    case 'evaluated':
      testAccuracyPoints.push([message.step, message.accuracy]);
      show('accuracy', `${(message.accuracy * 100).toFixed(1)}%`);
      redraw();
      return;
    case 'paused':
      show('status', 'paused');
      show('step', message.step);
      setRunning(true, true);
      return;
    case 'resumed':
      show('status', 'training');
      setRunning(true, false);
      return;
    case 'done':
      show('status', 'done');
      show('time', `${message.seconds.toFixed(1)} s`);
      setRunning(false);
      return;
    case 'prediction':
      showPrediction(message.probabilities);
      return;
    case 'error':
      fail(message.message);
  }
}

function fail(message: string): void {
  show('status', `error: ${message}`);
  console.error(message);
  setRunning(false);
}

function start(): void {
  worker?.terminate();
  ready = false;
  [smoothLoss, smoothAccuracy, stepsSeen, maxLoss] = [0, 0, 0, 2.5];
  [lossPoints, trainAccuracyPoints, testAccuracyPoints] = [[], [], []];
  for (const id of ['epoch', 'step']) show(id, 0);
  for (const id of ['loss', 'accuracy', 'time', 'backend', 'model', 'data']) show(id, '–');
  show('status', 'loading');
  worker = new Worker(new URL('./train-worker.ts', import.meta.url), { type: 'module' });
  worker.onmessage = (e: MessageEvent<FromWorker>) => onMessage(e.data);
  worker.onerror = (e) => fail(e.message || 'the training worker failed to start');
  const backend = backendSelect.value === 'webgpu' ? 'webgpu' : 'cpu';
  const model = modelSelect.value === 'cnn' ? 'cnn' : 'mlp';
  send({ type: 'start', backend, dataUrl: new URL(dataUrl, location.href).href, options: { ...options, model } });
}

const send = (message: ToWorker) => worker?.postMessage(message);

byTestId('start').addEventListener('click', start);
byTestId('pause').addEventListener('click', () => send({ type: 'pause' }));
byTestId('resume').addEventListener('click', () => send({ type: 'resume' }));

// Drawing: pointer events cover mouse, pen and touch.
const pad = byTestId<HTMLCanvasElement>('canvas');
const ink = pad.getContext('2d', { willReadFrequently: true })!;
ink.lineWidth = 18;
ink.lineCap = 'round';
ink.lineJoin = 'round';
let drawing = false;
const at = (e: PointerEvent): [number, number] => {
  const r = pad.getBoundingClientRect();
  return [((e.clientX - r.left) * pad.width) / r.width, ((e.clientY - r.top) * pad.height) / r.height];
};
pad.addEventListener('pointerdown', (e) => {
  drawing = true;
  pad.setPointerCapture(e.pointerId);
  ink.beginPath();
  ink.moveTo(...at(e));
  ink.lineTo(...at(e));
  ink.stroke();
});
pad.addEventListener('pointermove', (e) => {
  if (!drawing) return;
  ink.lineTo(...at(e));
  ink.stroke();
});
pad.addEventListener('pointerup', () => {
  drawing = false;
  classifyDrawing();
});
byTestId('clear').addEventListener('click', () => {
  ink.clearRect(0, 0, pad.width, pad.height);
  show('prediction', '–');
  byTestId('probabilities').replaceChildren();
  byTestId<HTMLCanvasElement>('preview').getContext('2d')!.clearRect(0, 0, 28, 28);
});

function classifyDrawing(): void {
  const { data, width, height } = ink.getImageData(0, 0, pad.width, pad.height);
  // The ink is the alpha channel: the pad is transparent and strokes are opaque.
  const alpha = new Float32Array(width * height);
  for (let i = 0; i < alpha.length; i++) alpha[i] = data[4 * i + 3]! / 255;
  const pixels = toMnist(alpha, width, height);
  if (!pixels) return;
  const preview = byTestId<HTMLCanvasElement>('preview').getContext('2d')!;
  const image = preview.createImageData(28, 28);
  pixels.forEach((v, i) => image.data.set([255 * (1 - v), 255 * (1 - v), 255 * (1 - v), 255], 4 * i));
  preview.putImageData(image, 0, 0);
  if (!ready) {
    show('prediction', 'train the model first');
    return;
  }
  send({ type: 'predict', pixels });
}

function showPrediction(probabilities: number[]): void {
  const best = probabilities.indexOf(Math.max(...probabilities));
  show('prediction', best);
  byTestId('probabilities').replaceChildren(
    ...probabilities.map((p, d) => {
      const li = document.createElement('li');
      li.dataset.testid = `probability-${d}`;
      li.innerHTML = `<span>${d}</span><span class="bar" style="width:${(p * 100).toFixed(1)}%"></span><span>${(p * 100).toFixed(1)}%</span>`;
      return li;
    }),
  );
}

redraw();
