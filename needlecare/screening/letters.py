"""Physician letters: a PDF or an image, checked by content as well as by name."""

from django.core.files.uploadedfile import UploadedFile

from needlecare.common.errors import DomainError

MAX_LETTER_BYTES = 5 * 1024 * 1024
# Leading bytes of each accepted type, with the file endings that may carry it.
SIGNATURES: tuple[tuple[bytes, str, tuple[str, ...]], ...] = (
    (b"%PDF-", "application/pdf", (".pdf",)),
    (b"\x89PNG\r\n\x1a\n", "image/png", (".png",)),
    (b"\xff\xd8\xff", "image/jpeg", (".jpg", ".jpeg")),
)


def letter_check(letter: UploadedFile) -> str:
    """The letter's content type, or a DomainError a person can act on."""
    if letter.size is None or letter.size == 0:
        raise DomainError("letter.empty", "The letter is empty.", field="letter")
    if letter.size > MAX_LETTER_BYTES:
        raise DomainError(
            "letter.too_large",
            "The letter is larger than 5 MB; scan it at a lower resolution.",
            field="letter",
        )
    name = (letter.name or "").lower()
    letter.seek(0)
    head = letter.read(16)
    letter.seek(0)
    for magic, content_type, endings in SIGNATURES:
        if head.startswith(magic):
            if not name.endswith(endings):
                raise DomainError(
                    "letter.name_mismatch",
                    "The file's name does not match its contents.",
                    field="letter",
                )
            return content_type
    raise DomainError(
        "letter.wrong_type", "The letter must be a PDF, PNG or JPEG file.", field="letter"
    )
