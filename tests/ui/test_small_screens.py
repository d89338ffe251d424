"""Every tab and dialog fits a small office screen and keeps its key widgets in view.

Each size runs tests/ui/screen_probe.py in a fresh process: Qt fixes the screen when it
starts. The screen is the monitor less a 40-pixel taskbar; windows must also leave room for
their title bar.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TASKBAR = 40

SIZES = [  # (width, height, QT_SCALE_FACTOR)
    pytest.param(1024, 768, "1", id="1024x768"),
    pytest.param(1366, 768, "1", id="1366x768"),
    pytest.param(1920, 1080, "1.25", id="1920x1080-125%"),
    pytest.param(1920, 1080, "1.5", id="1920x1080-150%"),
]


def probe(tmp_path: Path, width: int, height: int, scale: str) -> list[dict]:
    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"screens": [{
        "name": "probe", "x": 0, "y": 0, "width": width, "height": height - TASKBAR,
        "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}",
           "QT_SCALE_FACTOR": scale, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "tests.ui.screen_probe"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


@pytest.mark.slow
@pytest.mark.parametrize("width, height, scale", SIZES)
def test_every_tab_and_dialog_fits(tmp_path, width, height, scale):
    records = probe(tmp_path, width, height, scale)
    screen = records[0]["screen"]
    assert screen == [round(width / float(scale)), round((height - TASKBAR) / float(scale))]
    windows = {r["window"]: r for r in records[1:]}
    assert {"main", "tab0_工作台", "tab4_谈心谈话_覆盖情况", "meeting", "member", "import",
            "print_preview", "tab5_发展党员", "recruit_step", "tab6_党费", "dues_quick"} <= set(windows)
    assert len(windows) == 40
    problems = {name: r["problems"] for name, r in windows.items() if r["problems"]}
    assert problems == {}
