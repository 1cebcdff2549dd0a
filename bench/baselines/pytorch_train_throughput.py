"""PyTorch baseline for bench/train-throughput.ts: the same architecture, batch, threads, channels-last and
allocator settings as Osteon's `osteon bench train`, on random data, in fp32 or under CPU bf16 autocast (PyTorch's
own mixed precision: forward pass and loss under autocast, backward pass and optimizer step outside it).
Run with Debian's /usr/bin/python3: ARCH SIZE BATCH STEPS WARMUP THREADS [fp32|bf16]."""
import json
import resource
import sys
import time

import torch
import torchvision

arch, size, batch, steps, warmup, threads = sys.argv[1], *map(int, sys.argv[2:7])
precision = sys.argv[7] if len(sys.argv) > 7 else 'fp32'
if precision not in ('fp32', 'bf16'):
    sys.exit(f'precision is fp32 or bf16, not {precision}')
torch.set_num_threads(threads)
torch.manual_seed(1)
model = getattr(torchvision.models, arch)(num_classes=2, **({'aux_logits': False, 'init_weights': True} if arch in ('inception_v3', 'googlenet') else {}))
model = model.to(memory_format=torch.channels_last).train()
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4)
x = torch.randn(batch, 3, size, size).contiguous(memory_format=torch.channels_last)
y = torch.arange(batch) % 2


def step():
    optimizer.zero_grad()
    with torch.autocast('cpu', dtype=torch.bfloat16, enabled=precision == 'bf16'):
        loss = torch.nn.functional.cross_entropy(model(x), y)
    loss.backward()
    optimizer.step()


for _ in range(warmup):
    step()
start = time.perf_counter()
for _ in range(steps):
    step()
seconds = time.perf_counter() - start
print(json.dumps({
    'arch': arch, 'size': size, 'batch': batch, 'steps': steps, 'threads': threads, 'precision': precision,
    'imagesPerSecond': batch * steps / seconds,
    'peakRssMB': round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    'torch': torch.__version__,
}))
