"""PyTorch peer of the SparseGen GPU benchmark: the same ONNX weights in a torch.nn network, cuDNN fp32.

Reads every model's initializers with `onnx`, rebuilds the network node by node (Conv, Gemm/MatMul, Relu,
MaxPool, AveragePool, GlobalAveragePool, Flatten/Reshape, Add, BatchNormalization, Softmax, Sigmoid, Tanh,
Clip), checks it against ONNX Runtime when that is installed, and times batch-1 latency (eager and CUDA-graph
replay) and throughput at the given batches: warm-up first, CUDA events, median of repetitions.
Usage: python3 pytorch_peer.py --models DIR --out DIR [--batches 1024,16384,65536] [--reps 20]
"""
import argparse
import glob
import json
import os
import statistics

import numpy as np
import onnx
from onnx import numpy_helper
import torch
import torch.nn.functional as F


def attributes(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


class OnnxNet(torch.nn.Module):
    """The ONNX graph as a torch module: weights as buffers, nodes run in file order."""

    def __init__(self, model):
        super().__init__()
        self.graph = model.graph
        self.weights = {}
        for init in self.graph.initializer:
            self.weights[init.name] = torch.from_numpy(numpy_helper.to_array(init).copy())
        for name, tensor in self.weights.items():
            self.register_buffer("w_" + str(len(self._buffers)), tensor)
        self.names = {name: "w_" + str(i) for i, name in enumerate(self.weights)}
        initializers = set(self.weights)
        self.input_name = next(i.name for i in self.graph.input if i.name not in initializers)

    def value(self, values, name):
        return values[name] if name in values else getattr(self, self.names[name])

    def forward(self, x):
        values = {self.input_name: x}
        for node in self.graph.node:
            a = attributes(node)
            ins = [self.value(values, n) if n else None for n in node.input]
            op = node.op_type
            if op == "Conv":
                pads = a.get("pads", [0, 0, 0, 0])
                if pads[0] != pads[2] or pads[1] != pads[3]:
                    ins[0] = F.pad(ins[0], (pads[1], pads[3], pads[0], pads[2]))
                    pads = [0, 0, 0, 0]
                y = F.conv2d(ins[0], ins[1], ins[2] if len(ins) > 2 else None, stride=a.get("strides", [1, 1]),
                             padding=(pads[0], pads[1]), dilation=a.get("dilations", [1, 1]), groups=a.get("group", 1))
            elif op == "Gemm":
                w = ins[1].t() if a.get("transB", 0) else ins[1]
                y = a.get("alpha", 1.0) * (ins[0] @ w)
                if len(ins) > 2 and ins[2] is not None:
                    y = y + a.get("beta", 1.0) * ins[2]
            elif op == "MatMul":
                y = ins[0] @ ins[1]
            elif op == "Relu":
                y = F.relu(ins[0])
            elif op == "Sigmoid":
                y = torch.sigmoid(ins[0])
            elif op == "Tanh":
                y = torch.tanh(ins[0])
            elif op == "Clip":
                lo = ins[1] if len(ins) > 1 and ins[1] is not None else a.get("min", None)
                hi = ins[2] if len(ins) > 2 and ins[2] is not None else a.get("max", None)
                y = torch.clamp(ins[0], min=float(lo) if lo is not None else None, max=float(hi) if hi is not None else None)
            elif op == "MaxPool":
                p = a.get("pads", [0, 0, 0, 0])
                y = F.max_pool2d(ins[0], a["kernel_shape"], a.get("strides", a["kernel_shape"]), (p[0], p[1]), a.get("dilations", [1, 1]), bool(a.get("ceil_mode", 0)))
            elif op == "AveragePool":
                p = a.get("pads", [0, 0, 0, 0])
                y = F.avg_pool2d(ins[0], a["kernel_shape"], a.get("strides", a["kernel_shape"]), (p[0], p[1]), bool(a.get("ceil_mode", 0)), bool(a.get("count_include_pad", 0)))
            elif op == "GlobalAveragePool":
                y = ins[0].mean(dim=(2, 3), keepdim=True)
            elif op == "Flatten":
                y = torch.flatten(ins[0], a.get("axis", 1))
            elif op == "Reshape":
                shape = [int(s) for s in ins[1].tolist()]
                shape = [ins[0].shape[i] if s == 0 else s for i, s in enumerate(shape)]
                y = ins[0].reshape(shape)
            elif op == "Add":
                y = ins[0] + ins[1]
            elif op == "BatchNormalization":
                y = F.batch_norm(ins[0], ins[3], ins[4], ins[1], ins[2], False, 0.0, a.get("epsilon", 1e-5))
            elif op == "Softmax":
                y = torch.softmax(ins[0], dim=a.get("axis", -1))
            elif op in ("Identity", "Dropout"):
                y = ins[0]
            elif op == "Constant":
                y = torch.from_numpy(numpy_helper.to_array(a["value"]).copy()).to(x.device)
            else:
                raise NotImplementedError(f"the PyTorch peer has no {op}")
            values[node.output[0]] = y
        return values[self.graph.output[0].name]


def median_ms(fn, reps):
    for _ in range(3):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(reps):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end))
    return statistics.median(times)


def bench(path, batches, reps):
    model = onnx.load(path)
    net = OnnxNet(model).cuda().eval()
    shape = [d.dim_value for d in next(i for i in model.graph.input if i.name == net.input_name).type.tensor_type.shape.dim][1:]
    largest = max(batches + [64])
    x = torch.rand([largest] + shape, generator=torch.Generator().manual_seed(42)).cuda()
    result = {"model": os.path.splitext(os.path.basename(path))[0], "throughput": []}
    with torch.no_grad():
        try:
            import onnxruntime
            session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
            sample = x[:64].cpu().numpy()
            expected = session.run(None, {net.input_name: sample})[0]
            result["max_abs_diff_vs_onnxruntime"] = float(np.abs(net(x[:64]).cpu().numpy() - expected).max())
        except ImportError:
            result["max_abs_diff_vs_onnxruntime"] = None
        one = x[:1].clone()
        result["batch1_eager_us"] = 1000 * median_ms(lambda: net(one), reps * 10)
        stream = torch.cuda.Stream()
        stream.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(stream):
            for _ in range(3):
                net(one)
        torch.cuda.current_stream().wait_stream(stream)
        graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(graph):
            net(one)
        result["batch1_cuda_graph_us"] = 1000 * median_ms(graph.replay, reps * 10)
        for batch in batches:
            xb = x[:batch]
            ms = median_ms(lambda: net(xb), reps)
            result["throughput"].append({"batch": batch, "median_ms": ms, "samples_per_second": batch / (ms / 1000)})
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--models", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--batches", default="1024,16384,65536")
    parser.add_argument("--reps", type=int, default=20)
    args = parser.parse_args()
    torch.backends.cudnn.benchmark = True
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    batches = [int(b) for b in args.batches.split(",")]
    results = {"device": torch.cuda.get_device_name(), "torch": torch.__version__, "repetitions": args.reps,
               "models": [bench(p, batches, args.reps) for p in sorted(glob.glob(os.path.join(args.models, "*.onnx")))]}
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "pytorch.json"), "w") as f:
        json.dump(results, f, indent=2)
    lines = [f"## PyTorch {results['torch']} (cuDNN fp32, TF32 off) on {results['device']}", "",
             "| model | vs ONNX Runtime max abs diff | batch 1 eager (µs) | batch 1 CUDA graph (µs) | " + " | ".join(f"batch {b:,} (samples/s)" for b in batches) + " |",
             "| --- | --- | --- | --- | " + " | ".join("---" for _ in batches) + " |"]
    for m in results["models"]:
        lines.append(f"| {m['model']} | {m['max_abs_diff_vs_onnxruntime']} | {m['batch1_eager_us']:.1f} | {m['batch1_cuda_graph_us']:.1f} | "
                     + " | ".join(f"{t['samples_per_second']:,.0f}" for t in m["throughput"]) + " |")
    with open(os.path.join(args.out, "pytorch.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
