#!/usr/bin/python3
"""Writes the torchvision reference fixtures the model-zoo tests compare against.

For each architecture, built by torchvision with num_classes=2 (and no auxiliary classifiers):
  test/fixtures/torchvision-keys/<arch>.json         state_dict keys and shapes, in order: [[name, shape], ...]
  test/fixtures/torchvision-keys/<arch>.layers.json  hyperparameters of every module that the graph IR names
                                                     after it (conv, batch norm, linear, pooling, dropout,
                                                     stochastic depth), so that eps, padding, ceil_mode, p ...
                                                     are checked too, not only shapes.

Run with the interpreter that has torchvision 0.14 (Debian's python3-torchvision):
  /usr/bin/python3 scripts/torchvision-keys.py

With --check DIR it instead runs each graph IR in DIR/<arch>.json (JSON.stringify of a zoo Graph) with
torch.nn.functional on the weights of a torchvision model, and prints, as JSON on stdout, how far its logits
and feature map are from torchvision's own forward pass (src/nn/zoo/torchvision-parity.test.ts calls this).
"""
import json
import os
import sys

import torch
import torch.nn.functional as F
from torch import nn
import torchvision
from torchvision.ops import StochasticDepth

ARCHS = {
    "mobilenet_v2": {},
    "resnet18": {},
    "resnet50": {},
    "squeezenet1_1": {},
    "efficientnet_b0": {},
    "efficientnet_b1": {},
    "densenet121": {},
    "inception_v3": {"aux_logits": False, "init_weights": False},
    "googlenet": {"aux_logits": False, "init_weights": False},
}

# The torchvision module whose output is the graph's featureMap (DenseNet applies a ReLU to it in forward()).
FEATURE_MODULE = {
    "mobilenet_v2": "features",
    "resnet18": "layer4",
    "resnet50": "layer4",
    "squeezenet1_1": "features",
    "efficientnet_b0": "features",
    "efficientnet_b1": "features",
    "densenet121": "features",
    "inception_v3": "Mixed_7c",
    "googlenet": "inception5b",
}

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "torchvision-keys")


def pair(v):
    return list(v) if isinstance(v, (tuple, list)) else [v, v]


def layer_attrs(module):
    """The hyperparameters the graph IR carries for a module, in the IR's vocabulary; None when it has none."""
    if isinstance(module, nn.Conv2d):
        return {
            "op": "conv2d",
            "inChannels": module.in_channels,
            "outChannels": module.out_channels,
            "kernel": pair(module.kernel_size),
            "stride": pair(module.stride),
            "padding": pair(module.padding),
            "dilation": pair(module.dilation),
            "groups": module.groups,
            "bias": module.bias is not None,
        }
    if isinstance(module, nn.BatchNorm2d):
        return {"op": "batchnorm2d", "channels": module.num_features, "eps": module.eps, "momentum": module.momentum}
    if isinstance(module, nn.Linear):
        return {
            "op": "linear",
            "inFeatures": module.in_features,
            "outFeatures": module.out_features,
            "bias": module.bias is not None,
        }
    if isinstance(module, nn.MaxPool2d):
        return {
            "op": "maxpool2d",
            "kernel": pair(module.kernel_size),
            "stride": pair(module.stride),
            "padding": pair(module.padding),
            "ceilMode": module.ceil_mode,
        }
    if isinstance(module, nn.AvgPool2d):
        return {
            "op": "avgpool2d",
            "kernel": pair(module.kernel_size),
            "stride": pair(module.stride),
            "padding": pair(module.padding),
            "ceilMode": module.ceil_mode,
            "countIncludePad": module.count_include_pad,
        }
    if isinstance(module, nn.Dropout):
        return {"op": "dropout", "p": module.p}
    if isinstance(module, StochasticDepth):
        return {"op": "stochastic_depth", "p": module.p}
    return None


def build(arch):
    return getattr(torchvision.models, arch)(weights=None, num_classes=2, **ARCHS[arch])


def run_graph(graph, weights, x):
    """Evaluates a graph IR in inference mode; returns every value by name."""
    values = {}
    for node in graph["nodes"]:
        op, name, a = node["op"], node["name"], node.get("attrs", {})
        xs = [values[i] for i in node["inputs"]]
        w = lambda suffix: weights.get(f"{name}.{suffix}")
        if op == "input":
            y = x
        elif op == "conv2d":
            y = F.conv2d(xs[0], w("weight"), w("bias"), a["stride"], a["padding"], a["dilation"], a["groups"])
        elif op == "batchnorm2d":
            y = F.batch_norm(xs[0], w("running_mean"), w("running_var"), w("weight"), w("bias"), False, 0.0, a["eps"])
        elif op == "linear":
            y = F.linear(xs[0], w("weight"), w("bias"))
        elif op in ("maxpool2d", "avgpool2d"):
            pool = F.max_pool2d if op == "maxpool2d" else F.avg_pool2d
            extra = {"count_include_pad": a["countIncludePad"]} if op == "avgpool2d" else {}
            y = pool(xs[0], a["kernel"], a["stride"], a["padding"], ceil_mode=a["ceilMode"], **extra)
        elif op == "global_avgpool":
            y = F.adaptive_avg_pool2d(xs[0], 1)
        elif op == "flatten":
            y = torch.flatten(xs[0], 1)
        elif op == "add":
            y = xs[0] + xs[1]
        elif op == "mul":
            y = xs[0] * xs[1]
        elif op == "concat":
            y = torch.cat(xs, 1)
        elif op in ("dropout", "stochastic_depth"):
            y = xs[0]
        else:
            y = {"relu": F.relu, "relu6": F.relu6, "silu": F.silu, "sigmoid": torch.sigmoid}[op](xs[0])
        values[name] = y
    return values


def check(graph_dir):
    torch.set_grad_enabled(False)
    report = []
    for arch in ARCHS:
        with open(os.path.join(graph_dir, f"{arch}.json")) as f:
            graph = json.load(f)
        torch.manual_seed(0)
        model = build(arch)
        # Non-trivial running statistics, so that a batch norm wired to the wrong tensor shows.
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.normal_(0, 0.1)
                m.running_var.uniform_(0.5, 1.5)
                m.weight.data.uniform_(0.5, 1.5)
                m.bias.data.normal_(0, 0.1)
        model.eval()
        hooked = {}
        getattr(model, FEATURE_MODULE[arch]).register_forward_hook(lambda m, i, o: hooked.setdefault("map", o))
        # An odd size makes ceil_mode pooling and strided padding matter.
        size = max(graph["minInputSize"], 64) + 1
        x = torch.randn(1, 3, size, size)
        logits = model(x)
        feature_map = F.relu(hooked["map"]) if arch == "densenet121" else hooked["map"]
        values = run_graph(graph, model.state_dict(), x)
        ours_logits, ours_map = values[graph["output"]], values[graph["featureMap"]]
        same_map = ours_map.shape == feature_map.shape
        report.append({
            "arch": arch,
            "size": size,
            "logitsShape": list(ours_logits.shape),
            "featureMapShape": list(ours_map.shape),
            "logitsError": (ours_logits - logits).abs().max().item() if ours_logits.shape == logits.shape else None,
            "featureMapError": (ours_map - feature_map).abs().max().item() if same_map else None,
        })
    json.dump(report, sys.stdout)


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    for arch in ARCHS:
        torch.manual_seed(0)
        model = build(arch)
        keys = [[name, list(t.shape)] for name, t in model.state_dict().items()]
        modules = dict(model.named_modules())
        layers = {}
        for name, module in modules.items():
            attrs = layer_attrs(module)
            # Blocks without a residual connection own a StochasticDepth module but never call it.
            parent = modules.get(name.rpartition(".")[0])
            if isinstance(module, StochasticDepth) and not getattr(parent, "use_res_connect", True):
                continue
            if attrs is not None:
                layers[name] = attrs
        with open(os.path.join(OUT_DIR, f"{arch}.json"), "w") as f:
            f.write("[\n" + ",\n".join(json.dumps(k) for k in keys) + "\n]\n")
        with open(os.path.join(OUT_DIR, f"{arch}.layers.json"), "w") as f:
            f.write("{\n" + ",\n".join(f"{json.dumps(n)}: {json.dumps(a)}" for n, a in layers.items()) + "\n}\n")
        params = sum(p.numel() for p in model.parameters())
        print(f"{arch}: {len(keys)} state_dict entries, {params} parameters", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        check(sys.argv[2])
    else:
        main()
