"""Bulk import of a community's businesses from a spreadsheet (CSV or XLSX).

Two steps, the same rules each time: ``read_table`` turns the uploaded bytes into rows of
strings (refusing what is not a readable spreadsheet), ``plan_import`` judges every row
against the business form's rules and the community's businesses (created, updated,
unchanged or refused with the reason) and writes nothing; ``apply_import`` writes a plan's
rows in the caller's one transaction and audits the import once. Between the dry run and the
confirmation the rows travel signed in the form (``seal`` / ``unseal``), so any instance can
finish what another started and nothing is stored before the coordinator confirms.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired

from .. import audit
from ..audit.labels import register_labels
from ..auth.models import Community, User
from ..auth.tokens import serializer
from ..errors import FormErrors, InvalidInput, NotAllowed
from ..extensions import db
from ..formatting import number as grouped
from ..listings.businesses import BusinessInput, business_values
from ..listings.businesses import name_key as _name_key
from ..listings.models import REVIEWED_FIELDS, Business, Listing, ListingStatus
from ..reference.models import District

register_labels({"business.import": _l("Usaha diimpor dari spreadsheet")})

# Column → (header in the template, other headers people write, form field)
COLUMNS = (
    ("nama_usaha", ("nama", "nama_toko", "usaha"), "name"),
    ("nama_pemilik", ("pemilik", "nama_penjual"), "owner_name"),
    ("kecamatan", ("district",), "district"),
    ("whatsapp", ("wa", "no_wa", "nomor_wa", "no_whatsapp", "nomor_whatsapp", "no_hp"), "whatsapp"),
    ("instagram", ("ig",), "instagram"),
    ("tokopedia", ("tokopedia_url",), "tokopedia_url"),
    ("shopee", ("shopee_url",), "shopee_url"),
    ("cerita", ("cerita_usaha", "deskripsi"), "story"),
)
HEADERS = tuple(c[0] for c in COLUMNS)
REQUIRED = ("nama_usaha", "whatsapp")
OUTCOMES = {
    "create": _l("dibuat"),
    "update": _l("diperbarui"),
    "same": _l("tidak berubah"),
    "refused": _l("ditolak"),
}
XLSX_MAGIC = b"PK\x03\x04"
SALT = "business-import"


def limits() -> tuple[int, int]:
    """(largest file in bytes, most data rows) accepted, from the config."""
    cfg = current_app.config
    return cfg.get("IMPORT_MAX_BYTES", 10 * 1024 * 1024), cfg.get("IMPORT_MAX_ROWS", 2_000)


# --- reading --------------------------------------------------------------------------------


def _cell(value) -> str:
    """A spreadsheet value as the text a person meant: ``8.12e10`` → ``"81200000000"``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


def _header_key(text: str) -> str:
    return re.sub(r"[\s\-/.]+", "_", text.strip().strip("*").strip().casefold()).strip("_")


def _too_many(max_rows: int) -> InvalidInput:
    return InvalidInput(
        _(
            "File berisi lebih dari %(n)s baris. Bagi menjadi beberapa file.",
            n=grouped(max_rows),
        )
    )


def _read_xlsx(data: bytes, max_rows: int) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError):
        raise InvalidInput(_("File XLSX ini rusak atau bukan file Excel.")) from None
    # A ZIP bomb: a small file that unpacks to gigabytes. Judged from the directory, before
    # anything is unpacked.
    unpacked = sum(i.file_size for i in infos)
    if unpacked > 20 * len(data) + 5 * 1024 * 1024 or unpacked > 200 * 1024 * 1024:
        raise InvalidInput(_("File XLSX ini terlalu besar setelah dibuka. Simpan ulang di Excel."))
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        sheet = book.worksheets[0]
        rows: list[list[str]] = []
        filled = 0
        for values in sheet.iter_rows(values_only=True):
            row = [_cell(v) for v in values[: len(COLUMNS) + 20]]
            rows.append(row)
            filled += any(c.strip() for c in row)
            if filled > max_rows + 1:  # the header and max_rows data rows
                raise _too_many(max_rows)
        book.close()
    except InvalidInput:
        raise
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds on a malformed workbook
        raise InvalidInput(_("File XLSX ini tidak bisa dibaca. Simpan ulang di Excel.")) from None
    return rows


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 (Excel's "CSV" on Windows)."""
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


def _read_csv(data: bytes, max_rows: int) -> list[list[str]]:
    text = _decode(data)
    if "\x00" in text:
        raise InvalidInput(_("File ini bukan CSV atau XLSX. Unduh contoh file dan isi di situ."))
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    rows: list[list[str]] = []
    filled = 0
    try:
        for values in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows.append(values[: len(COLUMNS) + 20])
            filled += any(c.strip() for c in values)
            if filled > max_rows + 1:  # the header and max_rows data rows
                raise _too_many(max_rows)
    except csv.Error:
        raise InvalidInput(
            _("File CSV ini tidak bisa dibaca (tanda kutip tidak tertutup?).")
        ) from None
    return rows


def read_table(data: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The uploaded file → (column keys, [(spreadsheet row number, cells)]).

    XLSX is recognised by its content (a ZIP), anything else is read as CSV (``,``, ``;`` or
    tab). Row numbers are the ones the spreadsheet shows (the header is row 1 when it is the
    first line). Raises InvalidInput, in Indonesian, for an empty, oversized, unreadable or
    headerless file, a ZIP bomb, or more than the allowed rows."""
    max_bytes, max_rows = limits()
    if not data:
        raise InvalidInput(_("File kosong. Pilih file CSV atau XLSX."))
    if len(data) > max_bytes:
        raise InvalidInput(
            _("File terlalu besar (maksimal %(mb)s MB).", mb=max_bytes // (1024 * 1024))
        )
    rows = _read_xlsx(data, max_rows) if data[:4] == XLSX_MAGIC else _read_csv(data, max_rows)
    numbered = [(i, r) for i, r in enumerate(rows, start=1) if any(c.strip() for c in r)]
    if not numbered:
        raise InvalidInput(_("File tidak berisi data."))
    header_no, header = numbered[0]
    keys = []
    aliases = {a: c[0] for c in COLUMNS for a in (c[0], *c[1])}
    for text in header:
        keys.append(aliases.get(_header_key(text), ""))
    missing = [h for h in REQUIRED if h not in keys]
    if missing:
        raise InvalidInput(
            _(
                "Baris judul (baris %(n)s) tidak memuat kolom %(cols)s. Pakai judul kolom "
                "dari contoh file: %(all)s.",
                n=header_no,
                cols=", ".join(missing),
                all=", ".join(HEADERS),
            )
        )
    body = numbered[1:]
    if not body:
        raise InvalidInput(_("File tidak berisi data, hanya baris judul."))
    if len(body) > max_rows:
        raise _too_many(max_rows)
    return keys, body


# --- judging --------------------------------------------------------------------------------


@dataclass
class RowResult:
    """One data row's fate: ``outcome`` is a key of ``OUTCOMES``; ``reason`` why it was
    refused; ``values`` the parsed fields to write (create/update)."""

    row: int
    name: str
    outcome: str
    reason: str = ""
    values: dict = field(default_factory=dict)
    business_id: int | None = None

    @property
    def label(self) -> str:
        return str(OUTCOMES[self.outcome])


@dataclass
class ImportPlan:
    """What an import would do, row by row, in file order."""

    community_id: int
    rows: list[RowResult]

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.rows if r.outcome == outcome)

    @property
    def writes(self) -> int:
        return self.count("create") + self.count("update")


_SCIENTIFIC = re.compile(r"^\s*\d+(?:[.,]\d+)?[eE]\+?\d+\s*$")


def _phone_text(raw: str) -> str:
    """What Excel does to phone numbers undone where nothing was lost: ``81234567890`` (the
    leading 0 dropped when the column was a number) → ``081234567890``. A number written in
    scientific notation (``6.28123E+12``, what Excel's CSV export shows for a long number) has
    lost its last digits: ``plan_import`` refuses it (see ``is_scientific``)."""
    text = raw.strip()
    if text.isdigit() and text.startswith("8"):
        text = "0" + text
    return text


def is_scientific(raw: str) -> bool:
    """True for ``6.28123E+12``-style text: a phone number whose digits Excel rounded away."""
    return bool(_SCIENTIFIC.match(raw or ""))


def _districts() -> tuple[dict[str, int], list[District]]:
    """Name or slug (case and spaces ignored) → id, and the rows themselves: holding them
    keeps them in the session's identity map, so the form's district check costs no query."""
    rows = list(db.session.execute(sa.select(District)).scalars())
    out = {}
    for d in rows:
        out[_name_key(d.name)] = d.id
        out[_name_key(d.slug)] = d.id
        out[_name_key(d.slug.replace("-", " "))] = d.id
    return out, rows


def may_import(actor: User | None, community: Community) -> bool:
    """The community's coordinator, or staff for any community."""
    if actor is None or not actor.is_authenticated or not actor.active:
        return False
    if actor.is_staff:
        return True
    return actor.community_id == community.id and actor.is_coordinator


def plan_import(
    community: Community, keys: list[str], rows: list[tuple[int, list[str]]]
) -> ImportPlan:
    """Judge every row (``read_table``'s output) against the business form's rules and the
    community's businesses; writes nothing.

    A row is matched to an existing business of the community by name (case and spaces
    ignored): a match is updated (or left "unchanged"); two rows with the same name refuse
    the second as a duplicate; a business with a public listing keeps its public fields
    (those change through a moderator, in the business form). An empty kecamatan means the
    community's own."""
    existing: dict[str, list[Business]] = {}
    for b in db.session.execute(
        sa.select(Business).where(Business.community_id == community.id)
    ).scalars():
        existing.setdefault(_name_key(b.name), []).append(b)
    public_ids = set(
        db.session.execute(
            sa.select(Listing.business_id)
            .join(Business, Business.id == Listing.business_id)
            .where(Business.community_id == community.id, Listing.status == ListingStatus.APPROVED)
        ).scalars()
    )
    districts, _held = _districts()
    seen: dict[str, int] = {}
    results: list[RowResult] = []
    for number, cells in rows:
        raw = {k: (cells[i] if i < len(cells) else "") for i, k in enumerate(keys) if k}
        name = " ".join((raw.get("nama_usaha") or "").split())[:120]
        formula = next((k for k, v in raw.items() if v.lstrip().startswith("=")), None)
        if formula:
            results.append(
                RowResult(
                    number,
                    name,
                    "refused",
                    _("Kolom %(col)s berisi rumus Excel; tulis isinya sebagai teks.", col=formula),
                )
            )
            continue
        if is_scientific(raw.get("whatsapp", "")):
            results.append(
                RowResult(
                    number,
                    name,
                    "refused",
                    _(
                        "Nomor WhatsApp %(raw)s tertulis sebagai angka ilmiah, jadi digit "
                        "terakhirnya hilang. Di Excel, ubah kolom whatsapp menjadi Teks, ketik "
                        "ulang nomornya, lalu simpan lagi.",
                        raw=raw["whatsapp"].strip()[:20],
                    ),
                )
            )
            continue
        district_text = _name_key(raw.get("kecamatan", ""))
        district_id = districts.get(district_text) if district_text else community.district_id
        if district_id is None:
            results.append(
                RowResult(
                    number,
                    name,
                    "refused",
                    _(
                        "Kecamatan %(d)s tidak dikenal.",
                        d=raw.get("kecamatan", "").strip()[:40],
                    ),
                )
            )
            continue
        data = BusinessInput(
            name=raw.get("nama_usaha", ""),
            owner_name=raw.get("nama_pemilik", ""),
            district_id=district_id,
            whatsapp=_phone_text(raw.get("whatsapp", "")),
            instagram=raw.get("instagram", ""),
            tokopedia_url=raw.get("tokopedia", ""),
            shopee_url=raw.get("shopee", ""),
            story=raw.get("cerita", "").replace("\r\n", "\n"),
        )
        try:
            values = business_values(data)
        except FormErrors as exc:
            results.append(RowResult(number, name, "refused", " ".join(exc.errors.values())))
            continue
        key = _name_key(values["name"])
        if key in seen:
            results.append(
                RowResult(
                    number,
                    name,
                    "refused",
                    _("Duplikat: nama usaha sama dengan baris %(n)s.", n=seen[key]),
                )
            )
            continue
        seen[key] = number
        matches = existing.get(key, [])
        if len(matches) > 1:
            results.append(
                RowResult(
                    number,
                    name,
                    "refused",
                    _("Ada %(n)s usaha bernama ini; ubah lewat formulir usaha.", n=len(matches)),
                )
            )
            continue
        if not matches:
            results.append(RowResult(number, name, "create", values=values))
            continue
        business = matches[0]
        # matched by name: its spelling stays as the community wrote it before
        changed = {f: v for f, v in values.items() if f != "name" and getattr(business, f) != v}
        if not changed:
            results.append(RowResult(number, name, "same", business_id=business.id))
        elif business.id in public_ids and set(changed) & set(REVIEWED_FIELDS):
            results.append(
                RowResult(
                    number,
                    name,
                    "refused",
                    _(
                        "Usaha ini punya produk tayang: ubah lewat formulir usaha agar "
                        "diperiksa moderator."
                    ),
                    business_id=business.id,
                )
            )
        else:
            results.append(
                RowResult(number, name, "update", values=changed, business_id=business.id)
            )
    return ImportPlan(community.id, results)


def apply_import(plan: ImportPlan, *, actor: User, now: datetime) -> dict[str, int]:
    """Write the plan's created and updated rows (flushes, no commit: the caller's one
    transaction) and audit the import once. Returns the counts per outcome.

    Raises NotAllowed unless ``actor`` may import into the plan's community."""
    community = db.session.get(Community, plan.community_id)
    if community is None or not may_import(actor, community):
        raise NotAllowed()
    created = [
        Business(community_id=community.id, created_at=now, updated_at=now, **r.values)
        for r in plan.rows
        if r.outcome == "create"
    ]
    db.session.add_all(created)
    updates = {r.business_id: r.values for r in plan.rows if r.outcome == "update"}
    if updates:
        for business in db.session.execute(
            sa.select(Business).where(Business.id.in_(list(updates)))
        ).scalars():
            for f, v in updates[business.id].items():
                setattr(business, f, v)
            business.updated_at = now
    db.session.flush()
    counts = {k: plan.count(k) for k in OUTCOMES}
    audit.record(
        "business.import",
        actor=actor,
        object_type="community",
        object_id=community.id,
        community_id=community.id,
        at=now,
        details={
            **counts,
            "updated_ids": sorted(updates)[:1000],
            "refused_rows": [r.row for r in plan.rows if r.outcome == "refused"][:1000],
        },
    )
    return counts


# --- between the dry run and the confirmation ------------------------------------------------


def seal(community: Community, actor: User, keys: list[str], rows) -> str:
    """The rows read from the file, signed for the confirmation form (compressed)."""
    return serializer(SALT).dumps(
        {"c": community.id, "u": actor.id, "k": keys, "r": [[n, c] for n, c in rows]}
    )


def unseal(token: str, community: Community, actor: User):
    """(keys, rows) from ``seal``; InvalidInput when tampered with, for someone else, or
    older than ``IMPORT_CONFIRM_MAX_AGE`` seconds (default one hour)."""
    max_age = current_app.config.get("IMPORT_CONFIRM_MAX_AGE", 3600)
    try:
        data = serializer(SALT).loads(token or "", max_age=max_age)
    except SignatureExpired:
        raise InvalidInput(_("Pratinjau impor sudah kedaluwarsa. Unggah file lagi.")) from None
    except BadSignature:
        raise InvalidInput(_("Pratinjau impor tidak valid. Unggah file lagi.")) from None
    if data.get("c") != community.id or data.get("u") != actor.id:
        raise InvalidInput(_("Pratinjau impor tidak valid. Unggah file lagi."))
    return data["k"], [(n, c) for n, c in data["r"]]


# --- the template -----------------------------------------------------------------------------

EXAMPLE = (
    "Keripik Bu Sri",
    "Sri Wahyuni",
    "Pamulang",
    "0812-3456-7890",
    "@keripik_bu_sri",
    "",
    "",
    "Keripik singkong renyah dari dapur rumah.",
)


def template_csv() -> bytes:
    """The downloadable CSV template: the headers and one example row (UTF-8 with BOM, so
    Excel shows the letters right)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    writer.writerow(EXAMPLE)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx() -> bytes:
    """The downloadable XLSX template: headers, one example row, the WhatsApp column as text
    (so Excel keeps the leading 0) and a sheet listing the kecamatan."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Usaha"
    sheet.append(list(HEADERS))
    sheet.append(list(EXAMPLE))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    wa = HEADERS.index("whatsapp") + 1
    for row in range(2, 1002):
        sheet.cell(row=row, column=wa).number_format = "@"
    for i, width in enumerate((28, 22, 16, 18, 20, 30, 30, 50), start=1):
        sheet.column_dimensions[chr(64 + i)].width = width
    info = book.create_sheet("Petunjuk")
    info.append([_("Wajib: nama_usaha dan whatsapp. Kecamatan kosong = kecamatan komunitas.")])
    info.append([_("Usaha yang namanya sudah ada akan diperbarui.")])
    info.append([_("Kecamatan yang dikenal:")])
    for d in db.session.execute(sa.select(District).order_by(District.name)).scalars():
        info.append([d.name])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
