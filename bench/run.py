"""assessor's benchmark: python bench/run.py prints one `name: value` line per figure.

save_answer_ratio    median time of the app's save-answer request (through the WSGI app, on an
                     assessment with every question answered at ~1 KB) / median time of a bare
                     Flask request doing one atomic JSON write of a document of the same size.
                     Both requests post the same item form and read it (a save cannot skip
                     receiving what it saves); the bare one then writes the document with
                     temp file, fsync, os.replace and folder fsync. Target <= 1.5.
write_scaling_ratio  median save-answer time with 1000 assessments in the data folder / the same
                     with only one. Target <= 1.2.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask import Flask, request

from assessor import create_app
from assessor.answers import AnswerEdit, save_answers
from assessor.web.context import STORE_KEY, framework_named

FRAMEWORK = "gbt19580-2012.yaml"
ITEM = "4.1.2"
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "300"))
ASSESSMENTS = 1000


def answer_text(seed: int) -> str:
    """About 1 KB of mixed Chinese and English Markdown."""
    line = f"- 第{seed}条：we review this monthly with every plant manager and record actions.\n"
    return (line * (1024 // len(line.encode()) + 1))[:700]


def answered_app(data_dir: Path) -> tuple[Flask, str]:
    """An app whose one assessment has every question answered at ~1 KB."""
    app = create_app({"SECRET_KEY": "bench", "DATA_DIR": str(data_dir)})
    store = app.extensions[STORE_KEY]
    record = store.create("Bench Co.", "2026", FRAMEWORK, "2026-01-01T00:00:00+00:00")
    edits = [AnswerEdit(q.id, answer_text(i), 0)
             for i, q in enumerate(framework_named(FRAMEWORK).iter_questions())]
    save_answers(store.assessment_file(record.id), edits, now="2026-01-01T00:00:00+00:00")
    return app, record.id


def add_empty_assessments(app: Flask, count: int) -> None:
    store = app.extensions[STORE_KEY]
    for n in range(count):
        store.create(f"Org {n}", "2026", FRAMEWORK, "2026-01-01T00:00:00+00:00")


class SaveRequest:
    """Posts the item form as a browser would (CSRF token, revisions), one answer changed."""

    def __init__(self, app: Flask, assessment_id: str) -> None:
        self.client = app.test_client()
        self.url = f"/a/{assessment_id}/items/{ITEM}"
        self.count = 0

    def form(self) -> dict[str, str]:
        page = self.client.get(self.url).get_data(as_text=True)
        fields = dict(re.findall(r'name="((?:revision_|csrf_token)[^"]*)" type="hidden" '
                                 r'value="([^"]*)"', page))
        for name, text in re.findall(
                r'<textarea[^>]*name="(answer_[^"]+)"[^>]*>\r?\n?(.*?)</textarea>', page, re.S):
            fields[name] = text
        return fields

    def prepare(self) -> dict[str, str]:
        data = self.form()
        self.count += 1
        data["answer_4_1_2_a"] = answer_text(self.count)
        return data

    def __call__(self, data: dict[str, str]) -> None:
        response = self.client.post(self.url, data=data)
        assert response.status_code == 302, response.status_code


def bare_write_app(folder: Path, document: dict) -> Flask:
    """The baseline: a bare Flask app whose one route writes the document atomically."""
    app = Flask("bare")
    target = folder / "document.json"

    @app.post("/write")
    def write():  # type: ignore[no-untyped-def]
        document["posted"] = request.form.to_dict()
        # Serialized as the store serializes, so both write about the same bytes.
        payload = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
        fd, tmp = tempfile.mkstemp(dir=folder)
        with os.fdopen(fd, "wb") as file:
            file.write(payload)
            file.flush()
            os.fsync(file.fileno())
        os.replace(tmp, target)
        dir_fd = os.open(folder, os.O_RDONLY)
        os.fsync(dir_fd)
        os.close(dir_fd)
        return "", 204

    return app


def median_ms(prepare: Callable[[], object], run: Callable[[object], None], rounds: int) -> float:
    """Median wall time of `run` alone (preparation, such as loading the form, is not timed)."""
    times = []
    for _ in range(rounds):
        argument = prepare()
        start = time.perf_counter()
        run(argument)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        app, assessment_id = answered_app(root / "one")
        data_file = app.extensions[STORE_KEY].assessment_file(assessment_id)
        document = json.loads(data_file.path.read_bytes())
        size_kb = data_file.path.stat().st_size / 1000
        save = SaveRequest(app, assessment_id)

        bare = bare_write_app(root, document).test_client()
        form_body = save.prepare()
        bare_ms = median_ms(lambda: form_body, lambda body: bare.post("/write", data=body),
                            ROUNDS)
        save_one_ms = median_ms(save.prepare, save, ROUNDS)

        add_empty_assessments(app, ASSESSMENTS - 1)
        save_many_ms = median_ms(save.prepare, save, ROUNDS)

    print(f"# assessment file {size_kb:.0f} KB; medians over {ROUNDS} requests: "
          f"bare write {bare_ms:.2f} ms, save {save_one_ms:.2f} ms (1 assessment), "
          f"{save_many_ms:.2f} ms ({ASSESSMENTS} assessments)", file=sys.stderr)
    print(f"save_answer_ratio: {save_one_ms / bare_ms:.3f}")
    print(f"write_scaling_ratio: {save_many_ms / save_one_ms:.3f}")


if __name__ == "__main__":
    main()
