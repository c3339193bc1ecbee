"""What the golden-value scripts of @nn/autograd share: the case list, integer and bool inputs, and writing
the cases as compact JSON."""
import json
import os

import torch


def ints(values):
    return torch.tensor(values, dtype=torch.int64)


def bools(values):
    return torch.tensor(values, dtype=torch.bool)


CASES = []


def case(name, fn, *inputs):
    CASES.append((name, fn, inputs))


def write_golden(filename, doc):
    """Writes `doc` to src/golden/<filename> (compact JSON and a newline) and says so."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'src', 'golden', filename)
    with open(path, 'w') as f:
        json.dump(doc, f, separators=(',', ':'))
        f.write('\n')
    print(f'wrote {len(doc["cases"])} cases to {os.path.normpath(path)} ({os.path.getsize(path)} bytes)')
