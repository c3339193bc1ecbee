// The documentation site (VitePress). `pnpm docs` serves it, `pnpm docs:build` builds it into
// docs/.vitepress/dist; both first draw the figures (docs/figures) and generate the API reference (docs/api).
import { existsSync, readFileSync } from 'node:fs';
import { defineConfig, type DefaultTheme } from 'vitepress';

const docs = new URL('../', import.meta.url);
const exists = (page: string) => existsSync(new URL(`${page}.md`, docs));

/** The guide in the order of the training story; a page is listed once its file exists. */
const GUIDE: [page: string, title: string][] = [
  ['tensors', 'Tensors and broadcasting'],
  ['autograd', 'Reverse-mode autodiff'],
  ['forward-mode', 'Forward mode and second order'],
  ['backprop', 'Backpropagation through an MLP'],
  ['initialization', 'Initialisation'],
  ['weight-selection', 'Weight selection'],
  ['normalization', 'BatchNorm and LayerNorm'],
  ['data', 'Data, minibatches, epochs'],
  ['optimizers', 'Optimizers'],
  ['schedules', 'Learning-rate schedules'],
  ['clipping', 'Gradient clipping'],
  ['mixed-precision', 'Mixed precision: float16, autocast, loss scaling'],
  ['convergence', 'Convergence plots'],
  ['loss-landscape', 'Loss along a line'],
  ['diagnostics', 'Seeing inside training'],
  ['checkpoints', 'Checkpoints'],
  ['interop', 'Interop with PyTorch and ONNX'],
  ['cnn-and-sequences', 'CNNs and sequence models'],
  ['memory', 'Memory'],
  ['checkpointing', 'Activation checkpointing'],
  ['random', 'Randomness'],
  ['webgpu', 'WebGPU'],
  ['browser', 'In the browser'],
  ['coming-from-pytorch', 'Coming from PyTorch'],
];
const guide: DefaultTheme.SidebarItem[] = GUIDE.filter(([page]) => exists(page)).map(([page, text]) => ({ text, link: `/${page}` }));

// TypeDoc's sidebar for docs/api (typedoc-vitepress-theme writes it beside the pages).
const apiSidebarFile = new URL('api/typedoc-sidebar.json', docs);
const api: DefaultTheme.SidebarItem[] = existsSync(apiSidebarFile) ? JSON.parse(readFileSync(apiSidebarFile, 'utf8')) : [];

export default defineConfig({
  title: '@nn',
  description: 'Train neural networks in Node.js and the browser, with PyTorch’s names, defaults and numerics.',
  cleanUrls: true,
  lastUpdated: false,
  // Markdown under docs/ that is not a page of the site.
  srcExclude: ['README.md'],
  // The local search index covers the API reference too (~3.3 MB); it loads only when the search box opens.
  vite: { build: { chunkSizeWarningLimit: 4096 } },
  themeConfig: {
    nav: [
      { text: 'Guide', link: `/${GUIDE.find(([p]) => exists(p))?.[0] ?? ''}` },
      { text: 'API reference', link: '/api/' },
    ],
    sidebar: {
      '/api/': [{ text: 'API reference', link: '/api/', items: api }],
      '/': [
        { text: 'Guide', items: guide },
        { text: 'API reference', link: '/api/' },
      ],
    },
    search: { provider: 'local' },
    outline: [2, 3],
  },
});
