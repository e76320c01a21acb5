"""autograd-lite against micrograd, PyTorch and plain floats: run ``python -m benchmarks``."""
