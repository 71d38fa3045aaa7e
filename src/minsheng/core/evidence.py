"""Checking a supporting document (佐证材料) before it is kept: Word, PDF or an image, by its
first bytes as well as its name (a renamed .exe is refused), within a size limit."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

MAX_BYTES = 20 * 1024 * 1024
MAX_FILES = 10
KINDS = {
    ".pdf": ("PDF", "application/pdf"),
    ".docx": ("Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ".doc": ("Word", "application/msword"),
    ".jpg": ("图片", "image/jpeg"),
    ".jpeg": ("图片", "image/jpeg"),
    ".png": ("图片", "image/png"),
}


class EvidenceError(ValueError):
    """A file that cannot be kept (said in Chinese, naming the file)."""


@dataclass(frozen=True, slots=True)
class Checked:
    name: str
    content_type: str
    size: int


def _looks_like(ext: str, data: bytes) -> bool:
    if ext == ".pdf":
        return data.startswith(b"%PDF-")
    if ext in (".jpg", ".jpeg"):
        return data.startswith(b"\xff\xd8\xff")
    if ext == ".png":
        return data.startswith(b"\x89PNG\r\n\x1a\n")
    if ext == ".doc":
        return data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    if ext == ".docx":
        if not data.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return "word/document.xml" in archive.namelist()
        except zipfile.BadZipFile:
            return False
    return False


def check_evidence(name: str, data: bytes) -> Checked:
    clean = name.replace("\\", "/").rsplit("/", 1)[-1].strip()[:150] or "附件"
    ext = "." + clean.rsplit(".", 1)[-1].lower() if "." in clean else ""
    if ext not in KINDS:
        raise EvidenceError(f"“{clean}”：只能上传 Word、PDF 或图片（jpg、png）")
    if not data:
        raise EvidenceError(f"“{clean}”是空文件")
    if len(data) > MAX_BYTES:
        raise EvidenceError(
            f"“{clean}”有 {len(data) / 1024 / 1024:.1f} MB，超过 {MAX_BYTES // 1024 // 1024} MB"
        )
    if not _looks_like(ext, data):
        raise EvidenceError(f"“{clean}”的内容不是{KINDS[ext][0]}文件（扩展名与内容不符）")
    return Checked(clean, KINDS[ext][1], len(data))
