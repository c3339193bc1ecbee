// The packages a docs snippet may import, by name.
import * as autograd from '@nn/autograd';
import * as tensor from '@nn/tensor';

export const modules: Record<string, unknown> = { '@nn/tensor': tensor, '@nn/autograd': autograd };
