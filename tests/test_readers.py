import json

import pytest

from classifier.errors import DocumentReadError
from classifier.readers import decode_text, jsonl_blocks, read_units

TEXT = "加快数字政府建设。\n\n推进一网通办，让数据多跑路。\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_text_encodings_detected(tmp_path, encoding):
    path = tmp_path / "doc.txt"
    path.write_bytes(TEXT.encode(encoding))
    assert [u.text for u in read_units(path)] == ["加快数字政府建设。", "推进一网通办，让数据多跑路。"]


def test_markdown_read_as_text(tmp_path):
    path = tmp_path / "doc.md"
    path.write_text(TEXT, encoding="utf-8")
    assert len(read_units(path)) == 2


def test_docx_paragraphs(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("加快数字政府建设")
    document.add_paragraph("")
    document.add_paragraph("推进一网通办。")
    path = tmp_path / "doc.docx"
    document.save(path)
    assert [u.text for u in read_units(path)] == ["加快数字政府建设", "推进一网通办。"]


def test_html_text_without_scripts(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><style>p{}</style><script>var x=1;</script></head>"
        "<body><h1>加快数字政府建设</h1><p>推进一网通办。</p><p>加强数据安全。</p></body></html>",
        encoding="utf-8",
    )
    assert [u.text for u in read_units(path)] == ["加快数字政府建设", "推进一网通办。", "加强数据安全。"]


def test_jsonl_rows_keep_fields(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_text(json.dumps({"id": "a1", "text": "推进一网通办"}, ensure_ascii=False) + "\n\n", encoding="utf-8")
    (unit,) = read_units(path)
    assert unit.text == "推进一网通办" and unit.fields == {"id": "a1", "text": "推进一网通办"}


def test_csv_rows_in_gbk(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_bytes("id,text\nb2,加强个人信息保护\n".encode("gbk"))
    (unit,) = read_units(path)
    assert unit.fields == {"id": "b2", "text": "加强个人信息保护"}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("broken.docx", b"PK\x03\x04 not really a zip", "docx"),
        ("rows.jsonl", b'{"text": "ok"}\n{broken\n', "rows.jsonl:2"),
        ("rows.csv", "id,body\n1,内容\n".encode(), "no 'text' column"),
        ("rows2.jsonl", b'{"id": 1}\n', "string field 'text'"),
        ("binary.txt", b"\x00\x01\x02abc", "binary"),
        ("table.xlsx", b"whatever", "unsupported file type"),
        ("missing.txt", None, "cannot read"),
    ],
)
def test_broken_inputs_raise_typed_errors(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(DocumentReadError, match=message):
        read_units(path)


def test_oversized_file_refused(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * 2048)
    with pytest.raises(DocumentReadError, match="limit"):
        read_units(path, max_bytes=1024)


def test_decode_rejects_undecodable_bytes():
    with pytest.raises(DocumentReadError):
        decode_text(bytes(range(128, 256)) * 3 + b"\x00", "x.txt")


def _rows_of(blocks) -> list[str]:
    return [unit.text for block in blocks for unit in block.units()]


def test_jsonl_blocks_cut_lines_and_number_them(tmp_path):
    path = tmp_path / "rows.jsonl"
    lines = [json.dumps({"id": i, "text": f"第{i}段\u2028同一行"}, ensure_ascii=False) for i in range(7)]
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode("utf-8"))  # BOM, CRLF, no final newline
    blocks = list(jsonl_blocks(path, 3))
    assert [b.first_line for b in blocks] == [1, 4, 7]
    assert _rows_of(blocks) == [f"第{i}段\u2028同一行" for i in range(7)]


def test_jsonl_blocks_of_a_gb18030_file_are_decoded_once_and_sent_as_utf8(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_bytes("".join(f'{{"text": "数据安全{i}"}}\n' for i in range(5)).encode("gb18030"))
    assert _rows_of(jsonl_blocks(path, 2)) == [f"数据安全{i}" for i in range(5)]


def test_a_utf8_table_with_bad_bytes_late_names_the_line(tmp_path):
    path = tmp_path / "rows.jsonl"
    good = "".join(f'{{"text": "数字政府建设第{i}条"}}\n' for i in range(4000)).encode("utf-8")
    assert len(good) > 65536
    path.write_bytes(good + b'{"text": "\xff\xfe"}\n')
    with pytest.raises(DocumentReadError, match=r"rows.jsonl:4001: not valid UTF-8"):
        _rows_of(jsonl_blocks(path, 1024))
