"""The web page: paste text or upload a .txt/.docx file, see each paragraph with its themes and evidence."""

from flask import Blueprint, current_app, render_template, request

from classifier.batch import summarise_document
from classifier.errors import DocumentReadError
from classifier.paragraphs import split_paragraphs
from classifier.readers import units_from_bytes

from .api import predict_in_slices

page = Blueprint("page", __name__)

UPLOAD_SUFFIXES = (".txt", ".md", ".docx")
HIGHLIGHTED_TERMS = 4  # evidence terms marked in the text, per theme …
HIGHLIGHT_SHARE = 0.25  # … that weigh at least this share of the theme's strongest term


@page.get("/")
def form():
    return render_template("page.html", **_common(_model()))


@page.post("/")
def analyse():
    model = _model()  # once per request: a reload in between must not mix two models on one page
    try:
        paragraphs, name = _paragraphs_from_request()
    except ValueError as problem:
        return render_template(
            "page.html", **_common(model), error=str(problem), text=request.form.get("text", "")
        ), 400
    predictions = predict_in_slices(model, paragraphs, explain=True)
    records = [{"themes": p.themes, "scores": p.scores} for p in predictions]
    summary = summarise_document(model.keys, name, records)
    themes = {t.key: t for t in model.themes}
    rows = [
        {
            "segments": _segments(text, p.evidence or {}, model.keys),
            "chips": [(themes[k], p.scores[k]) for k in p.themes],
        }
        for text, p in zip(paragraphs, predictions, strict=True)
    ]
    shares = [(themes[k], summary["shares"][k]) for k in summary["themes"]]
    return render_template(
        "page.html", **_common(model), rows=rows, shares=shares, name=name, text=request.form.get("text", "")
    )


def _model():
    return current_app.extensions["policy_themes"].current()


def _common(model) -> dict:
    return {"model": model, "palette": {t.key: i % 10 for i, t in enumerate(model.themes)}}


def _paragraphs_from_request() -> tuple[list[str], str]:
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        suffix = "." + upload.filename.rsplit(".", 1)[-1].lower() if "." in upload.filename else ""
        if suffix not in UPLOAD_SUFFIXES:
            raise ValueError(f"请上传 .txt 或 .docx 文件（收到 {upload.filename}）")
        try:
            units = units_from_bytes(upload.read(), suffix, upload.filename)
        except DocumentReadError as exc:
            raise ValueError(f"无法读取文件：{exc}") from exc
        paragraphs, name = [u.text for u in units], upload.filename
    else:
        paragraphs, name = split_paragraphs(request.form.get("text", "")), "粘贴的文本"
    limit = current_app.config["MAX_TEXT_CHARS"]
    paragraphs = [p[:limit] for p in paragraphs if p.strip()]
    if not paragraphs:
        raise ValueError("请粘贴文本或上传文件")
    return paragraphs[: current_app.config["MAX_PAGE_PARAGRAPHS"]], name


def _segments(text: str, evidence: dict, keys: list[str]) -> list[tuple[str, str | None]]:
    """The text cut into (piece, theme key or None) so evidence terms can be highlighted."""
    owner: list[str | None] = [None] * len(text)
    for theme, terms in evidence.items():  # themes come highest score first; they win overlaps
        strongest = terms[0]["weight"] if terms else 0
        for term in [t["term"] for t in terms[:HIGHLIGHTED_TERMS] if t["weight"] >= HIGHLIGHT_SHARE * strongest]:
            start = text.find(term)
            while start >= 0:
                for i in range(start, start + len(term)):
                    owner[i] = owner[i] or theme
                start = text.find(term, start + len(term))
    segments: list[tuple[str, str | None]] = []
    for char, theme in zip(text, owner, strict=True):
        if segments and segments[-1][1] == theme:
            segments[-1] = (segments[-1][0] + char, theme)
        else:
            segments.append((char, theme))
    return segments
