// The packages a docs snippet may import, by name (and the Node built-ins the Node-only guides use).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as all from '@nn/all';
import * as autograd from '@nn/autograd';
import * as clip from '@nn/clip';
import * as data from '@nn/data';
import * as init from '@nn/init';
import * as layers from '@nn/layers';
import * as optim from '@nn/optim';
import * as schedulers from '@nn/schedulers';
import * as tensor from '@nn/tensor';

export const modules: Record<string, unknown> = {
  '@nn/all': all,
  '@nn/autograd': autograd,
  '@nn/clip': clip,
  '@nn/data': data,
  '@nn/init': init,
  '@nn/layers': layers,
  '@nn/optim': optim,
  '@nn/schedulers': schedulers,
  '@nn/tensor': tensor,
  'node:fs': fs,
  'node:os': os,
  'node:path': path,
};
