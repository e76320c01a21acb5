"""The ``autograd-lite`` command."""

from __future__ import annotations

import argparse
import sys


def _demo(args) -> int:
    import autograd_lite as ag

    a, b = ag.Value(2.0, label="a"), ag.Value(-3.0, label="b")
    c = ag.Value(10.0, label="c")
    e = (a * b).tanh() + c.relu() * a
    e.backward()
    print("e = tanh(a*b) + relu(c)*a =", e.data)
    for v in (a, b, c):
        print(f"  de/d{v.label} = {v.grad:.6f}")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="autograd-lite", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("demo", help="build an expression, run backward, print the gradients")
    args = parser.parse_args(argv)
    return {"demo": _demo}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
