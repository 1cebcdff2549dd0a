"""Writes the torch.save fixtures of src/nn/torch-file/ into test/fixtures/torch-files/.

Run with a Python that has PyTorch (Debian's PyTorch 1.13 is /usr/bin/python3):
    /usr/bin/python3 scripts/make-torch-fixtures.py
expected.json records, for each file, each tensor's shape, dtype as Osteon reads it (float32 or int64) and
values (row-major; int64 values as strings so that 64-bit values stay exact, infinities as strings).
"""

import collections
import io
import json
import math
import os
import pickle
import zipfile

import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'torch-files')


def tiny_model_state():
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Conv2d(1, 4, 3),
        torch.nn.BatchNorm2d(4),
        torch.nn.ReLU(),
        torch.nn.AdaptiveAvgPool2d(1),
        torch.nn.Flatten(),
        torch.nn.Linear(4, 2),
    )
    model.train()
    for _ in range(3):  # moves the running statistics and num_batches_tracked off their defaults
        model(torch.randn(2, 1, 6, 6))
    return model, model.state_dict()


def dtype_tensors():
    torch.manual_seed(1)
    base = torch.arange(12, dtype=torch.float32).reshape(3, 4) / 7
    rows = torch.randn(5, 3)
    half = torch.tensor([0.0, -1.5, 65504.0, 6e-8, float('inf'), float('-inf'), 0.333], dtype=torch.float16)
    return {
        'half': half,
        'half_transposed': torch.randn(2, 3).half().t(),
        'bfloat16': torch.tensor([1.0, -2.5, 3.140625, 1e30], dtype=torch.bfloat16),
        'double': torch.tensor([[1 / 3, -2.0], [1e-40, 123456.789]], dtype=torch.float64),
        'int64_big': torch.tensor([2**62 + 1, -5, 0], dtype=torch.int64),
        'int32': torch.tensor([-(2**31), 7, 2**31 - 1], dtype=torch.int32),
        'int16': torch.tensor([-300, 300], dtype=torch.int16),
        'int8': torch.tensor([-128, 5, 127], dtype=torch.int8),
        'uint8': torch.tensor([0, 200, 255], dtype=torch.uint8),
        'bool': torch.tensor([True, False, True]),
        'transposed': base.t(),
        'rows': rows,
        'rows_slice': rows[1:3],  # shares the storage of "rows", at offset 3
        'column': rows[:, 1],
        'expanded': torch.tensor([1.0, 2.0, 3.0]).expand(2, 3),  # stride 0
        'scalar': torch.tensor(2.5),
        'empty': torch.zeros(0, 3),
    }


def expected(tensors):
    out = {}
    for name, tensor in tensors.items():
        if not isinstance(tensor, torch.Tensor):
            continue
        t = tensor.detach()
        if t.is_floating_point():
            # JSON has no infinities: those are written as the strings "Infinity" and "-Infinity".
            values = [v if math.isfinite(v) else ('Infinity' if v > 0 else '-Infinity') for v in t.float().flatten().tolist()]
            dtype = 'float32'
        else:
            values = [str(v) for v in t.long().flatten().tolist()]
            dtype = 'int64'
        out[name] = {'shape': list(t.shape), 'dtype': dtype, 'values': values}
    return out


def malicious_zip(path):
    """A zip laid out like torch.save whose pickle calls os.system: built by hand, never unpickled."""
    payload = b'\x80\x02cos\nsystem\nq\x00X\x18\x00\x00\x00echo this should not run\x85R.'
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_STORED) as archive:
        archive.writestr('malicious/data.pkl', payload)
        archive.writestr('malicious/version', '3\n')


def malicious_pickle_protocol4():
    """A protocol-4 pickle calling builtins.eval through STACK_GLOBAL; built by hand, never unpickled."""
    def short(text):
        data = text.encode()
        return b'\x8c' + bytes([len(data)]) + data + b'\x94'
    return b'\x80\x04' + short('builtins') + short('eval') + b'\x93\x94' + short('print(1)') + b'\x85R\x94.'


def main():
    os.makedirs(OUT, exist_ok=True)
    files = {}

    model, state = tiny_model_state()
    torch.save(state, os.path.join(OUT, 'tiny-zip.pt'))
    files['tiny-zip.pt'] = expected(state)
    # Eval-mode logits of the same model, so a test can check Osteon's engine against PyTorch's forward pass.
    model.eval()
    probe = torch.randn(3, 1, 8, 8, generator=torch.Generator().manual_seed(5))
    with torch.no_grad():
        logits = model(probe)
    with open(os.path.join(OUT, 'tiny-logits.json'), 'w') as f:
        json.dump({'inputShapeNCHW': list(probe.shape), 'input': probe.flatten().tolist(),
                   'logits': logits.flatten().tolist()}, f)
        f.write('\n')
    model.train()
    # The same archive re-packed with deflate, as a user's zip tool might leave it.
    with zipfile.ZipFile(os.path.join(OUT, 'tiny-zip.pt')) as source, \
            zipfile.ZipFile(os.path.join(OUT, 'deflated-zip.pt'), 'w', zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            target.writestr(name, source.read(name))
    files['deflated-zip.pt'] = expected(state)
    torch.save(state, os.path.join(OUT, 'tiny-legacy.pt'), _use_new_zipfile_serialization=False)
    files['tiny-legacy.pt'] = expected(state)

    tensors = dtype_tensors()
    torch.save(tensors, os.path.join(OUT, 'dtypes-zip.pt'))
    files['dtypes-zip.pt'] = expected(tensors)
    torch.save(tensors, os.path.join(OUT, 'dtypes-legacy.pt'), _use_new_zipfile_serialization=False)
    files['dtypes-legacy.pt'] = expected(tensors)

    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    model(torch.randn(2, 1, 6, 6)).sum().backward()
    optimizer.step()
    checkpoint = {'epoch': 3, 'state_dict': state, 'optimizer': optimizer.state_dict(), 'best_auroc': 0.5, 'arch': 'tiny'}
    torch.save(checkpoint, os.path.join(OUT, 'checkpoint.pt'))
    files['checkpoint.pt'] = expected(state)

    # Plain pickles of tensors (not torch.save): each storage is a nested legacy torch.save file.
    plain = {'weight': torch.nn.Parameter(torch.randn(2, 3)), 'steps': torch.tensor([4, 5], dtype=torch.int64)}
    for protocol in (2, 4):
        name = f'plain-pickle-p{protocol}.pkl'
        with open(os.path.join(OUT, name), 'wb') as f:
            pickle.dump(plain, f, protocol=protocol)
        files[name] = expected(plain)

    torch.save(model, os.path.join(OUT, 'whole-module.pt'))
    malicious_zip(os.path.join(OUT, 'malicious-zip.pt'))
    with open(os.path.join(OUT, 'malicious-p4.pkl'), 'wb') as f:
        f.write(malicious_pickle_protocol4())

    with open(os.path.join(OUT, 'expected.json'), 'w') as f:
        json.dump(files, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
