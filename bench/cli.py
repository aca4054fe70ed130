"""The benchmark's command line: ``python -m bench [run] [--runs N] [--quick]`` and
``python -m bench stdlib``."""

from __future__ import annotations

import argparse


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    run = sub.add_parser("run", help="build, serve with nginx, measure in Chromium, print the table (default)")
    run.add_argument("--runs", type=int, default=7, help="runs per page load figure (default 7)")
    run.add_argument("--quick", action="store_true", help="3 runs, no synthetic-region builds")
    run.add_argument("--no-build", action="store_true", help="measure the existing public/ build")
    run.add_argument("--regions", default="10,100,1000", help="synthetic region counts to time the build for")
    sub.add_parser("stdlib", help="measure the stdlib modules the estimator imports; rewrite site/builder/stdlib_modules.txt")
    args = parser.parse_args(argv or ["run"])
    if args.command == "stdlib":
        from .stdlib import main as stdlib_main

        return stdlib_main([])
    from .run import run_benchmark

    return run_benchmark(runs=3 if args.quick else args.runs, build=not args.no_build, regions=[] if args.quick else [int(n) for n in args.regions.split(",") if n])
