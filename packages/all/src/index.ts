export * from '@nn/tensor';
export * from '@nn/autograd';
export * from '@nn/layers';
export * from '@nn/optim';
export * from '@nn/schedulers';
export * from '@nn/clip';
export * from '@nn/data';
export * from '@nn/init';
