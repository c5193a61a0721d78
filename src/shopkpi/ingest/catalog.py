"""The catalog of built-in import formats, rendered for docs/ingest.md."""

from __future__ import annotations

from shopkpi.ingest.adapters import DOCUMENT_ADAPTERS, TABULAR_ADAPTERS

_DOCUMENT_TABLES = {
    "reception_json": "chat_message, reception_session",
    "qianniu_chat_text": "chat_message",
}


def formats_markdown() -> str:
    """A markdown table: every built-in format, its target table and identifying headers."""
    lines = [
        "| 格式 (format) | adapter | 写入表 (table) | 识别依据 (identified by) |",
        "|---|---|---|---|",
    ]
    for cls in TABULAR_ADAPTERS:
        headers = "、".join(cls.field_by_name(n).headers[0] for n in cls.SIGNATURE)
        sheets = f"；工作表名 {'/'.join(cls.SHEETS)}" if cls.SHEETS else ""
        lines.append(f"| {cls.LABEL} | `{cls.NAME}` | {cls.TABLE} | 表头 {headers}{sheets} |")
    for doc in DOCUMENT_ADAPTERS:
        kinds = "/".join(sorted(doc.KINDS))
        table = _DOCUMENT_TABLES.get(doc.NAME, "chat_message")
        lines.append(f"| {doc.LABEL} | `{doc.NAME}` | {table} | 文件内容（{kinds}） |")
    return "\n".join(lines) + "\n"
