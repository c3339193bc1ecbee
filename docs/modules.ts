// The packages a docs snippet may import, by name.
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
};
