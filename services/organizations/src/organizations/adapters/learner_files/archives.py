"""Reading an upload without trusting it: a byte limit on everything read, and zips opened with care.

An upload is read through a counting reader that refuses to go past the limit, whatever its
size claims. A zip is checked three times before its XML is parsed: the number of entries
and the size of its central directory (read from its last bytes, before zipfile builds a
ZipInfo for each entry), the uncompressed size it declares for its one member, then the bytes
actually inflated, counted as they stream (a zip bomb can lie in its headers; zipfile also
stops at the declared size and then fails on the CRC).
"""

from __future__ import annotations

import io
import os
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

from organizations.domain.learner_records import FILE_TOO_LARGE, INVALID_FILE, LearnerFileRejected

CHUNK = 64 * 1024
MAX_ZIP_ENTRIES = 10  # the XML, and a few things an archiver may add (__MACOSX/, folders)
MAX_CENTRAL_DIRECTORY = 64 * 1024
ARCHIVE_EXTENSIONS = (".zip", ".gz", ".tgz", ".tar", ".bz2", ".xz", ".7z", ".rar", ".jar", ".cab", ".z")
ARCHIVE_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00", b"7z\xbc\xaf\x27\x1c", b"Rar!")


def too_large(limit: int) -> LearnerFileRejected:
    return LearnerFileRejected(FILE_TOO_LARGE, f"The file is larger than {limit / (1024 * 1024):g} MB.",
                               {"max_bytes": limit})


def invalid(reason: str, message: str, **details) -> LearnerFileRejected:
    return LearnerFileRejected(INVALID_FILE, message, {"reason": reason, **details})


class LimitedReader(io.RawIOBase):
    """Reads from raw, and refuses (FILE_TOO_LARGE) as soon as more than limit bytes came out of it."""

    def __init__(self, raw: BinaryIO, limit: int, *, close_raw: bool = False):
        super().__init__()
        self.raw, self.limit, self.count, self.close_raw = raw, limit, 0, close_raw

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            return b"".join(iter(lambda: self.read(CHUNK), b""))
        if size == 0:
            return b""
        # Never more than one byte past the limit: enough to know it was passed.
        data = self.raw.read(min(size, self.limit + 1 - self.count))
        self.count += len(data)
        if self.count > self.limit:
            raise too_large(self.limit)
        return data

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def close(self) -> None:
        if self.close_raw and not self.closed:
            self.raw.close()
        super().close()


class Upload:
    """The uploaded bytes, which can be read from the start again (a CSV's header is read twice)."""

    def __init__(self, stream: BinaryIO, start: int, size: int, limit: int):
        self.stream, self.start, self.size, self.limit = stream, start, size, limit

    def open(self) -> LimitedReader:
        self.stream.seek(self.start)
        return LimitedReader(self.stream, self.limit)

    def head(self, size: int) -> bytes:
        return self.open().read(min(size, self.limit))


@contextmanager
def upload_of(stream: BinaryIO, limit: int) -> Iterator[Upload]:
    """The upload, refused if larger than limit; a stream that cannot seek is spooled (to disk past 1 MB)."""
    if _seekable(stream):
        start = stream.tell()
        size = stream.seek(0, os.SEEK_END) - start
        stream.seek(start)
        if size > limit:
            raise too_large(limit)
        yield Upload(stream, start, size, limit)
        return
    with tempfile.SpooledTemporaryFile(max_size=1024 * 1024) as spool:
        reader = LimitedReader(stream, limit)
        while chunk := reader.read(CHUNK):
            spool.write(chunk)
        yield Upload(spool, 0, reader.count, limit)


def _seekable(stream: BinaryIO) -> bool:
    try:
        return stream.seekable()
    except (AttributeError, ValueError, OSError):
        return False


class ZippedXml:
    """The one XML file of a zip; open() streams it, inflated, within the byte limit."""

    def __init__(self, archive: zipfile.ZipFile, member: zipfile.ZipInfo, limit: int):
        self.archive, self.member, self.limit = archive, member, limit

    @property
    def name(self) -> str:
        return self.member.filename

    def open(self) -> LimitedReader:
        try:
            member = self.archive.open(self.member)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as error:
            raise invalid("CORRUPT_ARCHIVE", "The zip file is damaged.", error=str(error)[:200]) from error
        return LimitedReader(_ZipMemberReader(member), self.limit, close_raw=True)


class _ZipMemberReader(io.RawIOBase):
    """A zip member whose corruption (bad CRC, truncated data, sizes that lie) is an INVALID_FILE."""

    def __init__(self, member: BinaryIO):
        super().__init__()
        self.member = member

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        try:
            return self.member.read(size)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as error:
            raise invalid("CORRUPT_ARCHIVE", "The zip file is damaged.", error=str(error)[:200]) from error

    def close(self) -> None:
        self.member.close()
        super().close()


@contextmanager
def zipped_xml(upload: Upload, limit: int) -> Iterator[ZippedXml]:
    """The XML file of a zip that holds that file and nothing else (archivers' own extras aside)."""
    _check_central_directory(upload)
    upload.stream.seek(upload.start)
    try:
        archive = zipfile.ZipFile(upload.stream)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError) as error:
        raise invalid("NOT_A_ZIP", "The file is not a valid zip archive.") from error
    with archive:
        members = [info for info in archive.infolist() if not _archiver_extra(info)]
        if len(members) != 1:
            raise invalid("ZIP_MEMBER_COUNT", "The zip file must hold exactly one XML file.",
                          files=[info.filename for info in members][:MAX_ZIP_ENTRIES])
        [member] = members
        lower = member.filename.lower()
        if lower.endswith(ARCHIVE_EXTENSIONS):
            raise invalid("NESTED_ARCHIVE", "An archive inside the zip file is not accepted.", file=member.filename)
        if not lower.endswith(".xml"):
            raise invalid("NOT_XML", "The zip file must hold an XML file.", file=member.filename)
        if member.flag_bits & 0x1:
            raise invalid("ENCRYPTED_ARCHIVE", "The zip file is protected by a password.")
        if member.file_size > limit:
            rejected = too_large(limit)
            rejected.details["declared_bytes"] = member.file_size
            raise rejected
        zipped = ZippedXml(archive, member, limit)
        with zipped.open() as stream:
            start = stream.read(8)
        if start.startswith(ARCHIVE_MAGICS):
            raise invalid("NESTED_ARCHIVE", "An archive inside the zip file is not accepted.", file=member.filename)
        yield zipped


def _archiver_extra(info: zipfile.ZipInfo) -> bool:
    name = info.filename
    return info.is_dir() or name.startswith("__MACOSX/") or name.rsplit("/", 1)[-1] in (".DS_Store", "Thumbs.db")


_END_OF_CENTRAL_DIRECTORY = struct.Struct("<4s4H2LH")


def _check_central_directory(upload: Upload) -> None:
    """Refuse a zip with many entries before zipfile reads them all into memory."""
    tail_size = min(upload.size, _END_OF_CENTRAL_DIRECTORY.size + 0xFFFF)
    upload.stream.seek(upload.start + upload.size - tail_size)
    tail = upload.stream.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < _END_OF_CENTRAL_DIRECTORY.size:
        raise invalid("NOT_A_ZIP", "The file is not a valid zip archive.")
    _, _, _, _, entries, directory_size, _, _ = _END_OF_CENTRAL_DIRECTORY.unpack_from(tail, at)
    # 0xFFFF entries means "see the zip64 record": no learner file needs that many.
    if entries > MAX_ZIP_ENTRIES or directory_size > MAX_CENTRAL_DIRECTORY:
        raise invalid("ZIP_MEMBER_COUNT", "The zip file must hold exactly one XML file.", entries=entries)
