"""What the golden-value scripts of @nn/autograd share: writing their cases as compact JSON."""
import json
import os


def write_golden(filename, doc):
    """Writes `doc` to src/golden/<filename> (compact JSON and a newline) and says so."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'src', 'golden', filename)
    with open(path, 'w') as f:
        json.dump(doc, f, separators=(',', ':'))
        f.write('\n')
    print(f'wrote {len(doc["cases"])} cases to {os.path.normpath(path)} ({os.path.getsize(path)} bytes)')
