"""Golden learning-rate (and momentum) sequences for @nn/schedulers, computed by PyTorch.

Run with Debian's interpreter, which has PyTorch 1.13 (the `python3` on PATH has no torch):

    /usr/bin/python3 packages/schedulers/scripts/golden.py

Writes one JSON file per scheduler into packages/schedulers/src/golden/. Every case is a spec in the
camelCase vocabulary of @nn/schedulers (so the TypeScript tests build the same scheduler from the same JSON):

    {name, optimizer: {kind: 'sgd' | 'adam', groups: [{lr, momentum?, initialLr?}]},
     scheduler: {type, options}, steps | stepArgs | metrics, lastEpoch?,
     record: {lr: [[...per group] per step], momentum?, beta1?, best?, numBadEpochs?, cooldownCounter?}}

Record index 0 is the state right after construction (PyTorch performs the initial step there); index i is
after the i-th `scheduler.step(...)`. `optimizer.step()` runs before each `scheduler.step()` as PyTorch asks.
Functions (lrLambda, scaleFn) are named here and in the tests: the JSON carries the name.
"""
import json
import math
import os
import re
import warnings

import torch
from torch.optim import lr_scheduler as S

warnings.filterwarnings('ignore')
torch.set_default_dtype(torch.float64)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'src', 'golden')

LAMBDAS = {
    'exp095': lambda e: 0.95 ** e,
    'stairs3': lambda e: e // 3 + 1,
    'inverse': lambda e: 1.0 / (1 + e),
    'const095': lambda e: 0.95,
    'decaying': lambda e: 1 - 0.01 * e,
}
SCALE_FNS = {
    'halfPow': lambda x: 0.5 ** x,
    'invSqrt': lambda x: 1 / math.sqrt(1 + x),
}
SPECIAL = {'tMax': 'T_max', 't0': 'T_0', 'tMult': 'T_mult'}


def snake(name):
    return SPECIAL.get(name) or re.sub(r'([A-Z])', lambda m: '_' + m.group(1).lower(), name)


def make_optimizer(spec):
    groups = []
    for g in spec['groups']:
        group = {'params': [torch.zeros(1, requires_grad=True)]}
        for k, v in g.items():
            group[snake(k)] = v
        groups.append(group)
    if spec['kind'] == 'sgd':
        return torch.optim.SGD(groups, lr=spec['groups'][0]['lr'], momentum=spec.get('momentum', 0.0))
    return torch.optim.Adam(groups, lr=spec['groups'][0]['lr'], betas=(0.9, 0.999))


def make_scheduler(opt, spec, last_epoch):
    kind, options = spec['type'], dict(spec.get('options', {}))
    if kind == 'SequentialLR':
        children = [make_scheduler(opt, c, -1) for c in options.pop('schedulers')]
        return S.SequentialLR(opt, children, **{snake(k): v for k, v in options.items()})
    if kind == 'ChainedScheduler':
        return S.ChainedScheduler([make_scheduler(opt, c, -1) for c in options['schedulers']])
    kwargs = {}
    for k, v in options.items():
        if k == 'lrLambda':
            v = [LAMBDAS[n] for n in v] if isinstance(v, list) else LAMBDAS[v]
        elif k == 'scaleFn':
            v = SCALE_FNS[v]
        kwargs[snake(k)] = v
    if kind != 'ReduceLROnPlateau' and last_epoch != -1:
        kwargs['last_epoch'] = last_epoch
    return getattr(S, kind)(opt, **kwargs)


def snapshot(case, opt, sched, rec):
    groups = opt.param_groups
    if case['scheduler']['type'] == 'ReduceLROnPlateau':
        rec['lr'].append([g['lr'] for g in groups])
        rec['best'].append(sched.best if math.isfinite(sched.best) else ('Infinity' if sched.best > 0 else '-Infinity'))
        rec['numBadEpochs'].append(sched.num_bad_epochs)
        rec['cooldownCounter'].append(sched.cooldown_counter)
        return
    lr = sched.get_last_lr()
    assert lr == [g['lr'] for g in groups]
    rec['lr'].append(list(lr))
    if 'momentum' in rec:
        rec['momentum'].append([g['momentum'] for g in groups])
    if 'beta1' in rec:
        rec['beta1'].append([g['betas'][0] for g in groups])
        assert all(g['betas'][1] == 0.999 for g in groups)


def run(case):
    opt = make_optimizer(case['optimizer'])
    sched = make_scheduler(opt, case['scheduler'], case.get('lastEpoch', -1))
    rec = {'lr': []}
    if case.get('recordMomentum'):
        rec['momentum' if case['optimizer']['kind'] == 'sgd' else 'beta1'] = []
    if case['scheduler']['type'] == 'ReduceLROnPlateau':
        rec.update(best=[], numBadEpochs=[], cooldownCounter=[])
    snapshot(case, opt, sched, rec)
    if 'metrics' in case:
        args = [(m,) for m in case['metrics']]
    elif 'stepArgs' in case:
        args = [(e,) for e in case['stepArgs']]
    else:
        args = [()] * case['steps']
    for a in args:
        opt.step()
        sched.step(*a)
        snapshot(case, opt, sched, rec)
    case['record'] = rec
    return case


def sgd(*lrs, momentum=None, initial=None):
    groups = [{'lr': lr} for lr in lrs]
    for i, g in enumerate(groups):
        if momentum is not None:
            g['momentum'] = momentum[i] if isinstance(momentum, list) else momentum
        if initial is not None:
            g['initialLr'] = initial[i]
    return {'kind': 'sgd', 'groups': groups, **({'momentum': 0.9} if momentum is not None else {})}


def adam(*lrs):
    return {'kind': 'adam', 'groups': [{'lr': lr} for lr in lrs]}


def case(name, optimizer, type_, options=None, **extra):
    return {'name': name, 'optimizer': optimizer, 'scheduler': {'type': type_, 'options': options or {}}, **extra}


def child(type_, **options):
    return {'type': type_, 'options': options}


CASES = {
    'step-lr': [
        case('basic', sgd(0.1, 0.05), 'StepLR', {'stepSize': 3, 'gamma': 0.5}, steps=40),
        case('default gamma, three groups', sgd(1.0, 0.3, 0.02), 'StepLR', {'stepSize': 7}, steps=50),
        case('explicit epochs (closed form)', sgd(0.1, 0.05), 'StepLR', {'stepSize': 4, 'gamma': 0.7},
             stepArgs=[0, 1, 5, 9, 3, 12, 12, 20, 8]),
        case('resume from lastEpoch 9', sgd(0.0125, 0.00625, initial=[0.1, 0.05]), 'StepLR',
             {'stepSize': 3, 'gamma': 0.5}, lastEpoch=9, steps=30),
    ],
    'multi-step-lr': [
        case('basic', sgd(0.1, 0.05), 'MultiStepLR', {'milestones': [5, 12, 20], 'gamma': 0.3}, steps=30),
        case('default gamma', sgd(0.5, 0.01), 'MultiStepLR', {'milestones': [2, 3, 10]}, steps=25),
        case('explicit epochs (closed form)', sgd(0.1, 0.05), 'MultiStepLR', {'milestones': [2, 6, 9], 'gamma': 0.5},
             stepArgs=[0, 1, 2, 7, 3, 12, 6, 9, 8]),
    ],
    'exponential-lr': [
        case('gamma 0.9', sgd(0.1, 0.05), 'ExponentialLR', {'gamma': 0.9}, steps=50),
        case('gamma 0.97, three groups', sgd(1.0, 0.3, 0.02), 'ExponentialLR', {'gamma': 0.97}, steps=100),
        case('explicit epochs (closed form)', sgd(0.1, 0.05), 'ExponentialLR', {'gamma': 0.9},
             stepArgs=[0, 4, 2, 30, 7]),
    ],
    'cosine-annealing-lr': [
        case('tMax 10 over five periods', sgd(0.1, 0.05), 'CosineAnnealingLR', {'tMax': 10}, steps=50),
        case('tMax 7 etaMin 0.001', sgd(0.1, 0.05), 'CosineAnnealingLR', {'tMax': 7, 'etaMin': 0.001}, steps=40),
        case('tMax 33 three groups', sgd(1.0, 0.3, 0.02), 'CosineAnnealingLR', {'tMax': 33, 'etaMin': 1e-4}, steps=100),
        case('resume from lastEpoch 10', sgd(0.05, 0.025, initial=[0.1, 0.05]), 'CosineAnnealingLR',
             {'tMax': 20}, lastEpoch=10, steps=30),
        case('explicit epochs (closed form)', sgd(0.1, 0.05), 'CosineAnnealingLR', {'tMax': 10},
             stepArgs=[0, 3, 10, 11, 25, 4]),
    ],
    'cosine-annealing-warm-restarts': [
        case('t0 5', sgd(0.1, 0.05), 'CosineAnnealingWarmRestarts', {'t0': 5}, steps=40),
        case('t0 3 tMult 2 etaMin', sgd(0.1, 0.05), 'CosineAnnealingWarmRestarts',
             {'t0': 3, 'tMult': 2, 'etaMin': 1e-3}, steps=60),
        case('fractional epochs, tMult 2', sgd(0.1, 0.05), 'CosineAnnealingWarmRestarts', {'t0': 4, 'tMult': 2},
             stepArgs=[i * 0.25 for i in range(1, 60)] + [30.5, 2.0, 100.0, 12.0, 27.99]),
        case('fractional epochs, tMult 1', sgd(0.1, 0.05), 'CosineAnnealingWarmRestarts', {'t0': 10},
             stepArgs=[3.3, 10.0, 25.7, 7.0, 0.5, 99.9]),
        case('tMult 3 with steps then jump', sgd(0.2), 'CosineAnnealingWarmRestarts', {'t0': 2, 'tMult': 3},
             steps=50),
    ],
    'linear-lr': [
        case('defaults', sgd(0.1, 0.05), 'LinearLR', {}, steps=30),
        case('warmup from 0.1 over 10', sgd(0.1, 0.05), 'LinearLR',
             {'startFactor': 0.1, 'endFactor': 1.0, 'totalIters': 10}, steps=30),
        case('decay to 0.2 over 20', sgd(1.0, 0.3, 0.02), 'LinearLR',
             {'startFactor': 1.0, 'endFactor': 0.2, 'totalIters': 20}, steps=30),
        case('explicit epochs (closed form)', sgd(0.1, 0.05), 'LinearLR', {'startFactor': 0.25, 'totalIters': 8},
             stepArgs=[0, 3, 8, 20, 5]),
    ],
    'constant-lr': [
        case('defaults', sgd(0.1, 0.05), 'ConstantLR', {}, steps=30),
        case('factor 0.5 over 8', sgd(1.0, 0.3, 0.02), 'ConstantLR', {'factor': 0.5, 'totalIters': 8}, steps=30),
        case('explicit epochs (closed form)', sgd(0.1, 0.05), 'ConstantLR', {'factor': 0.5, 'totalIters': 4},
             stepArgs=[0, 2, 4, 9, 1]),
    ],
    'polynomial-lr': [
        case('defaults', sgd(0.1, 0.05), 'PolynomialLR', {}, steps=30),
        case('power 2 over 20', sgd(1.0, 0.3, 0.02), 'PolynomialLR', {'totalIters': 20, 'power': 2.0}, steps=30),
        case('power 0.5 over 15', sgd(0.1, 0.05), 'PolynomialLR', {'totalIters': 15, 'power': 0.5}, steps=30),
        case('explicit epochs (closed form)', sgd(0.1, 0.05), 'PolynomialLR', {'totalIters': 10, 'power': 2.0},
             stepArgs=[0, 3, 10, 14, 6]),
    ],
    'lambda-lr': [
        case('one lambda', sgd(0.1, 0.05), 'LambdaLR', {'lrLambda': 'exp095'}, steps=40),
        case('one lambda per group', sgd(0.1, 0.05), 'LambdaLR', {'lrLambda': ['stairs3', 'inverse']}, steps=40),
    ],
    'multiplicative-lr': [
        case('one lambda', sgd(0.1, 0.05), 'MultiplicativeLR', {'lrLambda': 'const095'}, steps=40),
        case('one lambda per group', sgd(0.1, 0.05), 'MultiplicativeLR', {'lrLambda': ['const095', 'decaying']},
             steps=40),
    ],
    'one-cycle-lr': [
        case('cos, SGD momentum', sgd(0.1, 0.05, momentum=0.9), 'OneCycleLR', {'maxLr': 0.1, 'totalSteps': 100},
             steps=100, recordMomentum=True),
        case('linear, per-group maxLr, epochs x stepsPerEpoch', sgd(0.1, 0.05, momentum=0.9), 'OneCycleLR',
             {'maxLr': [0.1, 0.02], 'epochs': 5, 'stepsPerEpoch': 20, 'annealStrategy': 'linear'},
             steps=99, recordMomentum=True),
        case('three phase', sgd(0.1, 0.05, momentum=0.9), 'OneCycleLR',
             {'maxLr': 0.05, 'totalSteps': 60, 'threePhase': True, 'pctStart': 0.25, 'divFactor': 10.0,
              'finalDivFactor': 100.0}, steps=60, recordMomentum=True),
        case('Adam betas, per-group momenta', adam(0.001, 0.002), 'OneCycleLR',
             {'maxLr': 0.01, 'totalSteps': 50, 'baseMomentum': [0.8, 0.85], 'maxMomentum': [0.9, 0.95]},
             steps=50, recordMomentum=True),
        case('three phase linear, Adam', adam(0.001), 'OneCycleLR',
             {'maxLr': 0.003, 'totalSteps': 45, 'threePhase': True, 'annealStrategy': 'linear'},
             steps=45, recordMomentum=True),
        case('no momentum cycling', sgd(0.1, 0.05), 'OneCycleLR',
             {'maxLr': 0.2, 'totalSteps': 30, 'cycleMomentum': False}, steps=30),
    ],
    'cyclic-lr': [
        case('triangular, SGD momentum', sgd(0.1, 0.05, momentum=0.9), 'CyclicLR',
             {'baseLr': 0.001, 'maxLr': 0.1, 'stepSizeUp': 5}, steps=40, recordMomentum=True),
        case('triangular2, asymmetric, per group', sgd(0.1, 0.05, momentum=0.9), 'CyclicLR',
             {'baseLr': [0.001, 0.0005], 'maxLr': [0.1, 0.05], 'stepSizeUp': 4, 'stepSizeDown': 6,
              'mode': 'triangular2'}, steps=60, recordMomentum=True),
        case('exp_range', sgd(0.1, 0.05, momentum=0.9), 'CyclicLR',
             {'baseLr': 0.01, 'maxLr': 0.1, 'stepSizeUp': 3, 'mode': 'exp_range', 'gamma': 0.95,
              'baseMomentum': 0.85, 'maxMomentum': 0.95}, steps=50, recordMomentum=True),
        case('custom scaleFn per cycle', sgd(0.1, 0.05, momentum=0.9), 'CyclicLR',
             {'baseLr': 0.01, 'maxLr': 0.1, 'stepSizeUp': 4, 'scaleFn': 'halfPow', 'scaleMode': 'cycle'},
             steps=40, recordMomentum=True),
        case('custom scaleFn per iteration', sgd(0.1, 0.05, momentum=0.9), 'CyclicLR',
             {'baseLr': 0.01, 'maxLr': 0.1, 'stepSizeUp': 2, 'stepSizeDown': 5, 'scaleFn': 'invSqrt',
              'scaleMode': 'iterations'}, steps=40, recordMomentum=True),
        case('Adam without momentum cycling', adam(0.001, 0.002), 'CyclicLR',
             {'baseLr': 0.001, 'maxLr': 0.006, 'stepSizeUp': 5, 'cycleMomentum': False}, steps=30),
    ],
    'reduce-lr-on-plateau': [],  # filled below
    'sequential-lr': [
        case('linear warmup then cosine', sgd(0.1, 0.05), 'SequentialLR',
             {'schedulers': [child('LinearLR', startFactor=0.1, totalIters=5), child('CosineAnnealingLR', tMax=20)],
              'milestones': [5]}, steps=40),
        case('constant, exponential, step', sgd(1.0, 0.3, 0.02), 'SequentialLR',
             {'schedulers': [child('ConstantLR', factor=0.5, totalIters=3), child('ExponentialLR', gamma=0.9),
                             child('StepLR', stepSize=3, gamma=0.5)], 'milestones': [4, 10]}, steps=30),
        case('linear, multistep, lambda', sgd(0.1, 0.05), 'SequentialLR',
             {'schedulers': [child('LinearLR', startFactor=0.25, totalIters=4),
                             child('MultiStepLR', milestones=[3, 8]), child('LambdaLR', lrLambda='exp095')],
              'milestones': [6, 15]}, steps=30),
        case('linear then warm restarts', sgd(0.1, 0.05), 'SequentialLR',
             {'schedulers': [child('LinearLR', startFactor=0.5, totalIters=3),
                             child('CosineAnnealingWarmRestarts', t0=5)], 'milestones': [3]}, steps=30),
    ],
    'chained-scheduler': [
        case('constant and exponential', sgd(0.1, 0.05), 'ChainedScheduler',
             {'schedulers': [child('ConstantLR', factor=0.1, totalIters=2), child('ExponentialLR', gamma=0.9)]},
             steps=30),
        case('linear warmup and cosine', sgd(0.1, 0.05), 'ChainedScheduler',
             {'schedulers': [child('LinearLR', startFactor=0.2, totalIters=5), child('CosineAnnealingLR', tMax=25)]},
             steps=40),
        case('step, multistep, exponential', sgd(1.0, 0.3, 0.02), 'ChainedScheduler',
             {'schedulers': [child('StepLR', stepSize=5, gamma=0.5), child('MultiStepLR', milestones=[7, 13], gamma=0.3),
                             child('ExponentialLR', gamma=0.98)]}, steps=30),
    ],
}


def plateau_metrics():
    """A loss curve: falls, plateaus, creeps down by less than the thresholds, drops again, plateaus."""
    out = []
    for t in range(60):
        if t < 10:
            v = 1.0 / (1 + t)
        elif t < 25:
            v = 0.1 - 0.000005 * (t - 10) + 0.002 * math.sin(t)
        elif t < 30:
            v = 0.1 - 0.01 * (t - 24)
        else:
            v = 0.05 + 0.0001 * math.cos(3 * t)
        out.append(v)
    return out


LOSS = plateau_metrics()
ACC = [1 - v for v in LOSS]
CASES['reduce-lr-on-plateau'] = [
    case('min rel', sgd(0.1, 0.05), 'ReduceLROnPlateau', {'patience': 3, 'factor': 0.5}, metrics=LOSS),
    case('min abs with cooldown and per-group minLr', sgd(0.1, 0.05), 'ReduceLROnPlateau',
         {'thresholdMode': 'abs', 'threshold': 0.01, 'patience': 2, 'cooldown': 2, 'factor': 0.5,
          'minLr': [0.001, 0.0005]}, metrics=LOSS),
    case('max rel with cooldown', sgd(0.1, 0.05), 'ReduceLROnPlateau',
         {'mode': 'max', 'patience': 2, 'cooldown': 1, 'factor': 0.3}, metrics=ACC),
    case('max abs, large eps stops reductions', sgd(0.1, 0.05), 'ReduceLROnPlateau',
         {'mode': 'max', 'thresholdMode': 'abs', 'threshold': 0.005, 'patience': 1, 'cooldown': 3,
          'factor': 0.5, 'eps': 0.01}, metrics=ACC),
    case('defaults', sgd(0.1, 0.05), 'ReduceLROnPlateau', {}, metrics=LOSS),
]


def errors():
    """Messages PyTorch raises that our errors quote (camelCased)."""
    opt = make_optimizer(sgd(0.1, momentum=0.9))
    s = S.OneCycleLR(opt, max_lr=0.1, total_steps=10)
    for _ in range(10):
        opt.step()
        s.step()
    try:
        s.step()
    except ValueError as e:
        return {'oneCycleOverstep': {'totalSteps': 10, 'stepsTaken': 10, 'message': str(e)}}
    raise AssertionError('OneCycleLR did not raise')


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, cases in CASES.items():
        doc = {'generator': 'packages/schedulers/scripts/golden.py', 'torch': torch.__version__,
               'cases': [run(c) for c in cases]}
        if name == 'one-cycle-lr':
            doc['errors'] = errors()
        with open(os.path.join(OUT, name + '.json'), 'w') as f:
            json.dump(doc, f, separators=(',', ':'))
            f.write('\n')
        print(name, len(cases), 'cases')


if __name__ == '__main__':
    main()
