"""`make bench`: run every benchmarks/bench_*.py and print each figure against its baseline."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(HERE.parent))
    selected = sys.argv[1:]
    missed = 0
    for path in sorted(HERE.glob("bench_*.py")):
        if selected and not any(s in path.stem for s in selected):
            continue
        print(f"== {path.stem}", flush=True)
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for figure in module.figures():
            print(figure.line(), flush=True)
            missed += not figure.ok
    print(f"{missed} figure(s) missed their target" if missed else "all figures within target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
