"""Plain torchvision baseline for bench/quality.ts: the recipe a user would otherwise write. Run with Debian's
/usr/bin/python3 (PyTorch 1.13, torchvision 0.14).

Usage: torchvision_quality.py SPEC.json
SPEC: {arch, size, epochs, seed, threads, batchSize, workers, minutes (null = no limit), device ('cpu' when absent,
       'cuda' on a machine with a GPU), train|val|test: [{file, label}]}  (label: 'fractured' or 'normal'; the exact
       files Osteon used)

Recipe: torchvision model from scratch (num_classes=2), RGB input stretched to size x size, ImageNet
normalisation; augmentation: random resized crop (scale 0.8-1), horizontal flip, rotation +-10 degrees, colour
jitter (brightness, contrast 0.2); AdamW lr 1e-3, cosine decay per step, cross-entropy, batch 32; the epoch with
the best validation AUROC is kept. Prints one JSON document on stdout: per-file probabilities of 'fractured' on
val (best epoch) and test, and the history; progress goes to stderr.
"""
import copy
import json
import os
import random
import sys
import time

import numpy as np
import torch
import torchvision
from PIL import Image, ImageFile
from torchvision import transforms

ImageFile.LOAD_TRUNCATED_IMAGES = True  # the data set holds a few truncated files; Osteon reads them too
CLASSES = ['fractured', 'normal']  # index 0 = fractured, the positive class
MEAN, STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]


def log(message):
    print(message, file=sys.stderr, flush=True)


def auroc(scores, positives):
    """Mann-Whitney AUROC of the positive class's scores, ties counted half."""
    pairs = sorted(zip(scores, positives))
    ranks = [0.0] * len(pairs)
    i = 0
    while i < len(pairs):
        j = i
        while j + 1 < len(pairs) and pairs[j + 1][0] == pairs[i][0]:
            j += 1
        for k in range(i, j + 1):
            ranks[k] = (i + j) / 2 + 1
        i = j + 1
    n_pos = sum(1 for _, p in pairs if p)
    n_neg = len(pairs) - n_pos
    if n_pos == 0 or n_neg == 0:
        return None
    rank_sum = sum(r for r, (_, p) in zip(ranks, pairs) if p)
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


class Files(torch.utils.data.Dataset):
    """The files resized to size x size once (the first transform of every view), then transformed per item."""

    def __init__(self, items, size, transform):
        self.labels = [CLASSES.index(item['label']) for item in items]
        self.images = []
        for item in items:
            with Image.open(item['file']) as image:
                self.images.append(image.convert('RGB').resize((size, size), Image.Resampling.BILINEAR))
        self.transform = transform

    def __len__(self):
        return len(self.images)

    def __getitem__(self, index):
        return self.transform(self.images[index]), self.labels[index]


def make_model(arch):
    extra = {'aux_logits': False, 'init_weights': True} if arch in ('inception_v3', 'googlenet') else {}
    return getattr(torchvision.models, arch)(num_classes=2, **extra)


def predict(model, loader, device):
    model.eval()
    out = []
    with torch.no_grad():
        for images, _ in loader:
            out.extend(torch.softmax(model(images.to(device)), dim=1)[:, 0].cpu().tolist())
    return out


def describe(device):
    if device.type == 'cuda':
        return f'{torch.cuda.get_device_name(device)}, {os.cpu_count()} cores'
    return f'CPU, {torch.get_num_threads()} threads'


def main():
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    size, seed = spec['size'], spec['seed']
    torch.set_num_threads(spec['threads'])
    device = torch.device(spec.get('device', 'cpu'))
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)

    train_view = transforms.Compose([
        transforms.RandomResizedCrop(size, scale=(0.8, 1.0)),
        transforms.RandomHorizontalFlip(),
        transforms.RandomRotation(10),
        transforms.ColorJitter(brightness=0.2, contrast=0.2),
        transforms.ToTensor(),
        transforms.Normalize(MEAN, STD),
    ])
    eval_view = transforms.Compose([transforms.ToTensor(), transforms.Normalize(MEAN, STD)])
    started = time.perf_counter()
    data = {split: Files(spec[split], size, train_view if split == 'train' else eval_view) for split in ('train', 'val', 'test')}
    log(f'decoded {sum(len(d) for d in data.values())} files in {time.perf_counter() - started:.1f} s')
    batch = spec['batchSize']
    workers = spec['workers']
    # drop_last: a last batch of one image would break batch normalisation in training mode.
    train_loader = torch.utils.data.DataLoader(
        data['train'], batch_size=batch, shuffle=True, drop_last=True, num_workers=workers,
        persistent_workers=workers > 0, generator=torch.Generator().manual_seed(seed))
    val_loader = torch.utils.data.DataLoader(data['val'], batch_size=batch, num_workers=0)
    test_loader = torch.utils.data.DataLoader(data['test'], batch_size=batch, num_workers=0)

    model = make_model(spec['arch']).to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    steps = max(1, len(train_loader)) * spec['epochs']
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=steps)
    loss_fn = torch.nn.CrossEntropyLoss()
    val_positive = [label == 0 for label in data['val'].labels]
    budget = spec['minutes'] * 60 if spec.get('minutes') else float('inf')

    best = {'epoch': None, 'valAuroc': None, 'state': None, 'val': None}
    history = []
    train_seconds = 0.0
    out_of_time = False
    for epoch in range(spec['epochs']):
        epoch_start = time.perf_counter()
        model.train()
        seen, loss_sum = 0, 0.0
        for images, labels in train_loader:
            optimizer.zero_grad()
            images, labels = images.to(device), labels.to(device)
            loss = loss_fn(model(images), labels)
            loss.backward()
            optimizer.step()
            scheduler.step()
            seen += len(labels)
            loss_sum += loss.item() * len(labels)
            if train_seconds + time.perf_counter() - epoch_start > budget:
                out_of_time = True
                break
        if out_of_time:
            # As Osteon does on a stop: the unfinished epoch is dropped, the best complete one is kept.
            train_seconds += time.perf_counter() - epoch_start
            log(f'stopped in epoch {epoch + 1}: the {spec["minutes"]}-minute budget is spent')
            break
        val = predict(model, val_loader, device)
        val_auroc = auroc(val, val_positive)
        train_seconds += time.perf_counter() - epoch_start
        improved = val_auroc is not None and (best['valAuroc'] is None or val_auroc > best['valAuroc'])
        if improved:
            best = {'epoch': epoch, 'valAuroc': val_auroc, 'state': copy.deepcopy(model.state_dict()), 'val': val}
        history.append({'epoch': epoch, 'trainLoss': loss_sum / max(1, seen), 'valAuroc': val_auroc,
                        'seconds': time.perf_counter() - epoch_start})
        log(f'epoch {epoch + 1}/{spec["epochs"]}: loss {loss_sum / max(1, seen):.4f}, val AUROC '
            f'{"n/a" if val_auroc is None else f"{val_auroc:.3f}"}{" *" if improved else ""}, '
            f'{time.perf_counter() - epoch_start:.0f} s')
    if best['state'] is not None:
        model.load_state_dict(best['state'])
    else:
        best['val'] = predict(model, val_loader, device)
    test = predict(model, test_loader, device)
    print(json.dumps({
        'arch': spec['arch'], 'seed': seed, 'epochsDone': len(history), 'bestEpoch': best['epoch'],
        'bestValAuroc': best['valAuroc'], 'trainSeconds': train_seconds, 'stoppedByBudget': out_of_time,
        'history': history, 'torch': torch.__version__, 'torchvision': torchvision.__version__,
        'device': describe(device),
        'val': [{'file': item['file'], 'fractured': p} for item, p in zip(spec['val'], best['val'])],
        'test': [{'file': item['file'], 'fractured': p} for item, p in zip(spec['test'], test)],
    }))


if __name__ == '__main__':
    main()
