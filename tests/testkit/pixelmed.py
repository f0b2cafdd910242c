"""PixelMed's SR validator (Debian's libpixelmed-java) over many files, one JVM for all.

`com.pixelmed.validate.DicomSRValidator` checks an SR's content tree against its root template
(PS3.16) and context groups. Its XSLT is larger than the JDK's default XPath limits, which are
lifted here; ValidateSR.java runs it once per file in a single JVM (the compile costs ~5 s).
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable
from pathlib import Path

from testkit import external_file, external_tool

JAR = Path("/usr/share/java/pixelmed.jar")
HARNESS = Path(__file__).with_name("ValidateSR.java")
NO_XPATH_LIMITS = [
    "-Djdk.xml.xpathExprOpLimit=0",
    "-Djdk.xml.xpathExprGrpLimit=0",
    "-Djdk.xml.xpathTotalOpLimit=0",
]


def validate_sr(paths: Iterable[Path], timeout: float = 600) -> dict[Path, list[str]]:
    """Each file's report lines (Error:, Warning: ...), as PixelMed prints them."""
    paths = list(paths)
    java = external_tool("java", "default-jdk-headless")
    external_tool("javac", "default-jdk-headless")  # the source launcher compiles the harness
    jar = external_file(JAR, "libpixelmed-java")
    done = subprocess.run(
        [java, *NO_XPATH_LIMITS, "-cp", str(jar), str(HARNESS), *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"PixelMed failed ({done.returncode}):\n{done.stderr[-3000:]}")
    reports: dict[Path, list[str]] = {}
    current: list[str] = []
    for line in done.stdout.splitlines():
        if line.startswith("== "):
            current = reports.setdefault(Path(line[3:]), [])
        else:
            current.append(line)
    return reports
