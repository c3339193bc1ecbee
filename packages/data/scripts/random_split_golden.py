"""Subset lengths of torch.utils.data.random_split for fraction lengths (the values in src/random-split.test.ts).

Run with Debian's PyTorch: /usr/bin/python3 packages/data/scripts/random_split_golden.py
"""
import json
import warnings

from torch.utils.data import random_split

warnings.simplefilter("ignore")  # PyTorch warns about empty subsets
CASES = [(11, [0.3, 0.3, 0.4]), (5, [0.5, 0.5]), (7, [0.1] * 10), (10, [0.7, 0.2, 0.1]), (3, [1 / 3] * 3), (100, [0.333, 0.333, 0.334])]
print(json.dumps([[n, fr, [len(s) for s in random_split(range(n), fr)]] for n, fr in CASES]))
