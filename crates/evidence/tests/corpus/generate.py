#!/usr/bin/env python3
"""Generates the evidence metadata corpus (deterministic; needs Pillow: `pip install pillow`).

    python3 crates/evidence/tests/corpus/generate.py

Every identifying value planted in a file contains the string CANARY (author names, serial numbers,
GPS places, comments, company names, template paths), so a test can search the cleaned derivative for
it. `manifest.json` lists each file with what the test must find: the expected outcome (`cleaned`,
`not_possible` or an error code), labels the cleaner must report as removed, and facts about the
original (Exif with GPS present) that prove the fixture really carries the metadata.

The files are committed; rerun this script only to change the corpus (the output is byte-identical
for the same Pillow version).
"""

import io
import json
import os
import struct
import zipfile
import zlib

from PIL import Image, ImageCms, PngImagePlugin

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = HERE
MANIFEST = []
PERSON = "CANARY Budi Santoso"


def write(name, data, **expect):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
    entry = {"file": name}
    entry.update(expect)
    MANIFEST.append(entry)


# ------------------------------------------------------------------------------------------------
# Images
# ------------------------------------------------------------------------------------------------


def picture(w=64, h=48, mode="RGB", seed=0):
    img = Image.new(mode, (w, h))
    px = img.load()
    for y in range(h):
        for x in range(w):
            r, g, b = (x * 4 + seed) % 256, (y * 5 + seed * 3) % 256, ((x + y) * 3) % 256
            if mode == "RGB":
                px[x, y] = (r, g, b)
            elif mode == "RGBA":
                px[x, y] = (r, g, b, (x * 8) % 256)
            elif mode == "L":
                px[x, y] = r
            elif mode == "P":
                px[x, y] = (x + y) % 16
    if mode == "P":
        img.putpalette([i * 15 % 256 for i in range(48)])
    return img


def jpeg_bytes(img, **kw):
    b = io.BytesIO()
    img.save(b, "JPEG", quality=85, **kw)
    return b.getvalue()


def tiff_exif(endian="<", orientation=1, gps=True, thumbnail=True, makernote=True):
    """A TIFF/Exif block: IFD0 (Make, Model, Orientation, Artist, Copyright, ExifIFD, GPS IFD),
    Exif IFD (BodySerialNumber, MakerNote, DateTimeOriginal), GPS IFD, IFD1 with a JPEG thumbnail."""
    thumb = jpeg_bytes(picture(16, 12, seed=7)) if thumbnail else b""

    def ascii(s):
        return s.encode() + b"\0"

    def rational(*pairs):
        return b"".join(struct.pack(endian + "II", n, d) for n, d in pairs)

    # Each IFD: list of (tag, type, count, payload bytes). Types: 1 BYTE, 2 ASCII, 3 SHORT, 4 LONG,
    # 5 RATIONAL, 7 UNDEFINED.
    ifd0 = [
        (0x010F, 2, ascii("CANARY-Make")),
        (0x0110, 2, ascii("CANARY-Model")),
        (0x0112, 3, struct.pack(endian + "H", orientation)),
        (0x013B, 2, ascii(PERSON)),
        (0x8298, 2, ascii("(c) " + PERSON)),
        (0x8769, 4, None),  # Exif IFD pointer
    ]
    if gps:
        ifd0.append((0x8825, 4, None))
    exif_ifd = [
        (0x9003, 2, ascii("2024:10:13 10:00:00")),
        (0xA431, 2, ascii("CANARY-SN-0042")),
        (0xA430, 2, ascii(PERSON)),  # CameraOwnerName
    ]
    if makernote:
        exif_ifd.append((0x927C, 7, b"CANARY-MAKERNOTE-" + b"\x01" * 20))
    gps_ifd = [
        (0x0001, 2, ascii("S")),
        (0x0002, 5, rational((6, 1), (59, 1), (1230, 100))),
        (0x0003, 2, ascii("E")),
        (0x0004, 5, rational((110, 1), (25, 1), (3000, 100))),
        (0x001B, 7, b"ASCII\0\0\0CANARY-Tembalang"),  # GPSProcessingMethod
    ]
    ifd1 = [(0x0103, 3, struct.pack(endian + "H", 6)), (0x0201, 4, None), (0x0202, 4, struct.pack(endian + "I", len(thumb)))]

    def count_of(t, payload):
        return {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1}[t] and len(payload) // {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1}[t]

    def ifd_size(entries):
        extra = sum(len(p) for _, _, p in entries if p is not None and len(p) > 4)
        return 2 + 12 * len(entries) + 4 + extra

    order = [("ifd0", ifd0), ("exif", exif_ifd)] + ([("gps", gps_ifd)] if gps else []) + ([("ifd1", ifd1)] if thumbnail else [])
    offsets, pos = {}, 8
    for name, entries in order:
        offsets[name] = pos
        pos += ifd_size(entries)
        pos += pos % 2
    thumb_offset = pos
    pointers = {0x8769: offsets["exif"], 0x8825: offsets.get("gps", 0), 0x0201: thumb_offset}

    out = bytearray(b"II*\0" if endian == "<" else b"MM\0*")
    out += struct.pack(endian + "I", 8)
    for idx, (name, entries) in enumerate(order):
        base = offsets[name]
        data_pos = base + 2 + 12 * len(entries) + 4
        body, extra = bytearray(struct.pack(endian + "H", len(entries))), bytearray()
        for tag, typ, payload in sorted(entries, key=lambda e: e[0]):
            if payload is None:
                payload = struct.pack(endian + "I", pointers[tag])
            count = count_of(typ, payload)
            body += struct.pack(endian + "HHI", tag, typ, count)
            if len(payload) <= 4:
                body += payload + b"\0" * (4 - len(payload))
            else:
                body += struct.pack(endian + "I", data_pos + len(extra))
                extra += payload
        nxt = offsets["ifd1"] if (name == "ifd0" and thumbnail) else 0
        body += struct.pack(endian + "I", nxt)
        out += body + extra
        if len(out) % 2:
            out += b"\0"
    assert len(out) == thumb_offset, (len(out), thumb_offset)
    out += thumb
    return bytes(out)


def segment(marker, payload):
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


XMP = (
    '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:exif="http://ns.adobe.com/exif/1.0/" '
    'exif:GPSLatitude="6,59.205S" exif:GPSLongitude="110,25.5E">'
    "<dc:creator><rdf:Seq><rdf:li>" + PERSON + "</rdf:li></rdf:Seq></dc:creator>"
    "</rdf:Description></rdf:RDF></x:xmpmeta>"
    '<?xpacket end="w"?>'
).encode("utf-8")


def iptc():
    def ds(rec, tag, value):
        v = value.encode()
        return bytes([0x1C, rec, tag]) + struct.pack(">H", len(v)) + v

    data = ds(2, 80, PERSON) + ds(2, 90, "CANARY-Semarang") + ds(2, 116, "CANARY copyright")
    block = b"8BIM" + struct.pack(">H", 0x0404) + b"\0\0" + struct.pack(">I", len(data)) + data
    if len(block) % 2:
        block += b"\0"
    return b"Photoshop 3.0\0" + block


def compose_jpeg(base, segments, after_app0=True):
    """Inserts `segments` after SOI (and after the JFIF APP0 when present and after_app0)."""
    assert base[:2] == b"\xff\xd8"
    pos = 2
    if after_app0 and base[2:4] == b"\xff\xe0":
        pos = 4 + struct.unpack(">H", base[4:6])[0]
    return base[:pos] + b"".join(segments) + base[pos:]


def strip_app0(base):
    assert base[2:4] == b"\xff\xe0"
    return base[:2] + base[4 + struct.unpack(">H", base[4:6])[0]:]


def jpeg_corpus():
    base = jpeg_bytes(picture())
    full = ["exif", "gps", "thumbnail", "xmp", "iptc", "comment"]
    exif_le = segment(0xE1, b"Exif\0\0" + tiff_exif("<"))
    exif_be = segment(0xE1, b"Exif\0\0" + tiff_exif(">"))
    xmp = segment(0xE1, b"http://ns.adobe.com/xap/1.0/\0" + XMP)
    com = segment(0xFE, b"CANARY comment by " + PERSON.encode())
    app13 = segment(0xED, iptc())
    write("jpeg_full_le.jpg", compose_jpeg(base, [exif_le, xmp, app13, com]), kind="jpeg", expect="cleaned",
          removed=full, exif_gps_in_original=True)
    write("jpeg_full_be.jpg", compose_jpeg(strip_app0(base), [exif_be, xmp, app13, com]), kind="jpeg",
          expect="cleaned", removed=full, exif_gps_in_original=True)
    for o in (3, 6, 8):
        write(f"jpeg_orientation_{o}.jpg", compose_jpeg(strip_app0(base), [segment(0xE1, b"Exif\0\0" + tiff_exif("<", orientation=o))]),
              kind="jpeg", expect="cleaned", removed=["exif", "gps", "thumbnail"], exif_gps_in_original=True,
              orientation=o)
    write("jpeg_exif_no_thumbnail.jpg", compose_jpeg(base, [segment(0xE1, b"Exif\0\0" + tiff_exif(">", thumbnail=False))]),
          kind="jpeg", expect="cleaned", removed=["exif", "gps"], exif_gps_in_original=True)
    prog = jpeg_bytes(picture(seed=3), progressive=True)
    write("jpeg_progressive.jpg", compose_jpeg(prog, [exif_le, xmp, com]), kind="jpeg", expect="cleaned",
          removed=["exif", "gps", "thumbnail", "xmp", "comment"], exif_gps_in_original=True)
    rst = jpeg_bytes(picture(seed=5), restart_marker_blocks=2)
    write("jpeg_restart_markers.jpg", compose_jpeg(rst, [exif_be, app13]), kind="jpeg", expect="cleaned",
          removed=["exif", "gps", "iptc", "thumbnail"], exif_gps_in_original=True)
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    icc = icc[:24] + struct.pack(">6H", 2024, 1, 1, 0, 0, 0) + icc[36:]  # fixed creation date
    with_icc = jpeg_bytes(picture(seed=9), icc_profile=icc)
    write("jpeg_icc_kept.jpg", compose_jpeg(with_icc, [exif_le, xmp]), kind="jpeg", expect="cleaned",
          removed=["exif", "gps", "thumbnail", "xmp"], exif_gps_in_original=True, keeps=["ICC_PROFILE"])
    # JFIF thumbnail (2x2 RGB) and a JFXX extension thumbnail.
    jfif = b"JFIF\0\x01\x02\x01\x00\x48\x00\x48\x02\x02" + bytes(range(12))
    jfxx = b"JFXX\0\x13\x02\x02" + bytes(12)
    write("jpeg_jfif_thumbnail.jpg", compose_jpeg(strip_app0(base), [segment(0xE0, jfif), segment(0xE0, jfxx), com], after_app0=False),
          kind="jpeg", expect="cleaned", removed=["thumbnail", "comment"])
    # MPF preview index plus a second picture after EOI (as phones write), and a polyglot zip tail.
    mpf = segment(0xE2, b"MPF\0" + b"MM\0*\0\0\0\x08" + b"CANARY-MPF" + bytes(20))
    second = compose_jpeg(jpeg_bytes(picture(32, 24, seed=11)), [exif_le])
    write("jpeg_mpf_trailer.jpg", compose_jpeg(base, [exif_le, mpf]) + second, kind="jpeg", expect="cleaned",
          removed=["exif", "gps", "mpf_previews", "thumbnail", "trailing_data"], exif_gps_in_original=True)
    z = io.BytesIO()
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr(zipfile.ZipInfo("CANARY.txt", date_time=(2024, 10, 13, 10, 0, 0)), "CANARY payload " + PERSON)
    write("jpeg_polyglot_zip.jpg", compose_jpeg(base, [app13]) + z.getvalue(), kind="jpeg", expect="cleaned",
          removed=["iptc", "trailing_data"], declared_name="foto.jpg")
    # Extra APPn segments from camera firmware (APP3 Meta, APP12 Ducky, APP15) and Extended XMP.
    ext_xmp = segment(0xE1, b"http://ns.adobe.com/xmp/extension/\0" + b"0" * 32 + struct.pack(">II", 10, 0) + b"CANARY-EXT")
    write("jpeg_other_app_segments.jpg",
          compose_jpeg(base, [segment(0xE3, b"META\0CANARY"), segment(0xEC, b"Ducky\0CANARY"), segment(0xEF, b"CANARY"), ext_xmp]),
          kind="jpeg", expect="cleaned", removed=["app_segment", "xmp"])


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_insert(png, chunks, before=b"IDAT"):
    i = 8
    while True:
        n = struct.unpack(">I", png[i:i + 4])[0]
        if png[i + 4:i + 8] == before:
            return png[:i] + b"".join(chunks) + png[i:]
        i += 12 + n


def png_corpus():
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", PERSON)
    info.add_text("Comment", "CANARY compressed comment " * 4, zip=True)
    info.add_itxt("Description", "CANARY uraian " + PERSON, lang="id", tkey="Deskripsi")
    info.add_itxt("XML:com.adobe.xmp", XMP.decode("utf-8"))
    exif = Image.Exif()
    exif[0x013B] = PERSON
    exif[0x010F] = "CANARY-Make"
    exif.get_ifd(0x8825)[1] = "S"
    exif.get_ifd(0x8825)[2] = (6.0, 59.0, 12.3)
    b = io.BytesIO()
    picture().save(b, "PNG", pnginfo=info, exif=exif.tobytes())
    time_chunk = png_chunk(b"tIME", struct.pack(">HBBBBB", 2024, 10, 13, 10, 0, 0))
    private = png_chunk(b"caNr", b"CANARY private chunk")
    full = png_insert(b.getvalue(), [time_chunk, private])
    write("png_text_exif_xmp.png", full, kind="png", expect="cleaned",
          removed=["exif", "private_chunk", "text", "time", "xmp"], exif_gps_in_original=True)
    for mode, name in (("RGBA", "png_rgba_text.png"), ("L", "png_gray_text.png"), ("P", "png_palette_text.png")):
        info2 = PngImagePlugin.PngInfo()
        info2.add_text("Author", PERSON)
        b = io.BytesIO()
        img = picture(mode=mode)
        kw = {"transparency": 0} if mode == "P" else {}
        img.save(b, "PNG", pnginfo=info2, **kw)
        write(name, b.getvalue(), kind="png", expect="cleaned", removed=["text"])
    # APNG with text, and a file with data after IEND.
    frames = [picture(seed=s) for s in (1, 2, 3)]
    b = io.BytesIO()
    info3 = PngImagePlugin.PngInfo()
    info3.add_text("Software", "CANARY editor")
    frames[0].save(b, "PNG", save_all=True, append_images=frames[1:], duration=100, loop=0, pnginfo=info3)
    write("png_animated_text.png", b.getvalue(), kind="png", expect="cleaned", removed=["text"])
    b = io.BytesIO()
    picture(seed=4).save(b, "PNG")
    write("png_trailing_data.png", b.getvalue() + b"CANARY after IEND " + PERSON.encode(), kind="png",
          expect="cleaned", removed=["trailing_data"])


def webp_corpus():
    exif = Image.Exif()
    exif[0x013B] = PERSON
    exif[0x010F] = "CANARY-Make"
    exif.get_ifd(0x8825)[1] = "S"
    exif.get_ifd(0x8825)[2] = (6.0, 59.0, 12.3)
    ex = exif.tobytes()
    # The WebP EXIF chunk holds the TIFF block itself; Pillow strips the "Exif\0\0" prefix only for
    # still images, so hand it the bare TIFF block.
    ex = ex[6:] if ex.startswith(b"Exif\0\0") else ex
    for name, kw in (
        ("webp_lossy_exif_xmp.webp", {"quality": 80}),
        ("webp_lossless_exif_xmp.webp", {"lossless": True}),
    ):
        b = io.BytesIO()
        picture().save(b, "WEBP", exif=ex, xmp=XMP, **kw)
        write(name, b.getvalue(), kind="webp", expect="cleaned", removed=["exif", "xmp"], exif_gps_in_original=True)
    b = io.BytesIO()
    picture(mode="RGBA").save(b, "WEBP", exif=ex, quality=80)
    write("webp_alpha_exif.webp", b.getvalue(), kind="webp", expect="cleaned", removed=["exif"], exif_gps_in_original=True)
    b = io.BytesIO()
    frames = [picture(seed=s) for s in (1, 2)]
    frames[0].save(b, "WEBP", save_all=True, append_images=frames[1:], duration=100, exif=ex, xmp=XMP, lossless=True)
    write("webp_animated_exif_xmp.webp", b.getvalue(), kind="webp", expect="cleaned", removed=["exif", "xmp"],
          exif_gps_in_original=True)


def gif_corpus():
    b = io.BytesIO()
    picture(mode="P").save(b, "GIF", comment=b"CANARY comment " + PERSON.encode())
    data = b.getvalue()
    xmp_ext = b"\x21\xff\x0bXMP DataXMP" + bytes([len(b"CANARY-XMP")]) + b"CANARY-XMP" + b"\0"
    # Insert the XMP application extension before the trailer.
    write("gif_comment_xmp.gif", data[:-1] + xmp_ext + data[-1:], kind="gif", expect="cleaned",
          removed=["comment", "xmp"])
    b = io.BytesIO()
    frames = [picture(mode="P", seed=s) for s in (1, 2, 3)]
    frames[0].save(b, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0, comment=b"CANARY anim")
    write("gif_animated_comment.gif", b.getvalue(), kind="gif", expect="cleaned", removed=["comment"])


# ------------------------------------------------------------------------------------------------
# PDF
# ------------------------------------------------------------------------------------------------


def pdf(objects, trailer, version="1.4", prefix=b""):
    """Classic xref PDF from {num: bytes}."""
    out = bytearray(prefix or b"%PDF-" + version.encode() + b"\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for num in sorted(objects):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + objects[num] + b"\nendobj\n"
    xref = len(out)
    size = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for n in range(1, size):
        out += b"%010d 00000 n \n" % offsets[n] if n in offsets else b"0000000000 65535 f \n"
    out += b"trailer\n" + trailer.replace(b"SIZE", b"%d" % size) + b"\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def stream(dict_entries, data):
    return b"<< " + dict_entries + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


INFO = (b"<< /Author (" + PERSON.encode() + b") /Creator (CANARY Writer) /Producer (CANARY Producer 1.0) "
        b"/Title (CANARY laporan) /Subject (CANARY) /Keywords (CANARY) /CreationDate (D:20241013100000+07'00') >>")
CONTENT = stream(b"", b"BT /F1 18 Tf 72 720 Td (Bukti pelanggaran netralitas) Tj ET")
FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
ID = b"/ID [<43414e41525931> <43414e41525932>]"


def pdf_corpus():
    xmp_stream = stream(b"/Type /Metadata /Subtype /XML", XMP)
    objs = {
        1: b"<< /Type /Catalog /Pages 2 0 R /Metadata 6 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        4: CONTENT,
        5: FONT,
        6: xmp_stream,
        7: INFO,
    }
    base = pdf(objs, b"<< /Size SIZE /Root 1 0 R /Info 7 0 R " + ID + b" >>")
    write("pdf_info_xmp.pdf", base, kind="pdf", expect="cleaned", removed=["info", "xmp"])

    # Incremental update: a new Info object (8) replaces the old one (7), which stays in the file.
    upd = bytearray(base)
    off8 = len(upd)
    upd += b"8 0 obj\n<< /Author (CANARY second author) /Producer (CANARY updater) >>\nendobj\n"
    prev = int(base.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    xref = len(upd)
    upd += b"xref\n8 1\n%010d 00000 n \n" % off8
    upd += b"trailer\n<< /Size 9 /Root 1 0 R /Info 8 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (prev, xref)
    write("pdf_incremental_update.pdf", bytes(upd), kind="pdf", expect="cleaned", removed=["info", "xmp"])

    # PDF 1.5 with the Info dictionary and the catalog inside a compressed object stream, and an
    # xref stream.
    inner = {1: b"<< /Type /Catalog /Pages 2 0 R /Metadata 6 0 R >>", 2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
             7: INFO}
    header, body = b"", b""
    for n, o in inner.items():
        header += b"%d %d " % (n, len(body))
        body += o + b"\n"
    objstm_data = zlib.compress(header + body)
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    direct = {
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        4: CONTENT,
        5: FONT,
        6: xmp_stream,
        8: b"<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n" % (len(inner), len(header), len(objstm_data))
        + objstm_data + b"\nendstream",
    }
    for n in sorted(direct):
        offsets[n] = len(out)
        out += b"%d 0 obj\n" % n + direct[n] + b"\nendobj\n"
    xref_off = len(out)
    rows = b""
    idx = {n: i for i, n in enumerate(inner)}
    for n in range(0, 10):
        if n == 0:
            rows += struct.pack(">BIH", 0, 0, 65535)
        elif n in inner:
            rows += struct.pack(">BIH", 2, 8, idx[n])
        elif n == 9:
            rows += struct.pack(">BIH", 1, xref_off, 0)
        else:
            rows += struct.pack(">BIH", 1, offsets[n], 0)
    xs = zlib.compress(rows)
    out += (b"9 0 obj\n<< /Type /XRef /Size 10 /W [1 4 2] /Root 1 0 R /Info 7 0 R " + ID
            + b" /Filter /FlateDecode /Length %d >>\nstream\n" % len(xs) + xs + b"\nendstream\nendobj\n")
    out += b"startxref\n%d\n%%%%EOF\n" % xref_off
    write("pdf_object_streams.pdf", bytes(out), kind="pdf", expect="cleaned", removed=["info", "xmp"])

    # A scanned page: a JPEG with Exif GPS drawn on the page, plus a page-level XMP stream.
    jpg = compose_jpeg(jpeg_bytes(picture()), [segment(0xE1, b"Exif\0\0" + tiff_exif("<")),
                                               segment(0xE1, b"http://ns.adobe.com/xap/1.0/\0" + XMP)])
    objs_img = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Metadata 6 0 R /Resources << /XObject << /Im1 5 0 R >> >> >>",
        4: stream(b"", b"q 320 0 0 240 72 400 cm /Im1 Do Q"),
        5: stream(b"/Type /XObject /Subtype /Image /Width 64 /Height 48 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode", jpg),
        6: xmp_stream,
        7: INFO,
    }
    write("pdf_scanned_photo_exif.pdf", pdf(objs_img, b"<< /Size SIZE /Root 1 0 R /Info 7 0 R >>"), kind="pdf",
          expect="cleaned", removed=["image_metadata", "info", "xmp"])

    # Comments (markup annotations carry their author in /T) and an embedded file attachment.
    attached = stream(b"/Type /EmbeddedFile", b"CANARY attached note by " + PERSON.encode())
    objs_annot = {
        1: b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names [(catatan.txt) 8 0 R] >> >> >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Annots [6 0 R] /Resources << /Font << /F1 5 0 R >> >> >>",
        4: CONTENT,
        5: FONT,
        6: b"<< /Type /Annot /Subtype /Text /Rect [100 100 120 120] /T (" + PERSON.encode() + b") /Contents (Lihat ini) /P 3 0 R >>",
        7: INFO,
        8: b"<< /Type /Filespec /F (catatan.txt) /EF << /F 9 0 R >> >>",
        9: attached,
    }
    write("pdf_annotation_attachment.pdf", pdf(objs_annot, b"<< /Size SIZE /Root 1 0 R /Info 7 0 R >>"), kind="pdf",
          expect="cleaned", removed=["annotation_author", "embedded_files", "info"])

    # Info only (no XMP), PDF 1.7 header.
    objs_min = {k: v for k, v in objs.items() if k != 6}
    objs_min[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    write("pdf_info_only.pdf", pdf(objs_min, b"<< /Size SIZE /Root 1 0 R /Info 7 0 R >>", version="1.7"), kind="pdf",
          expect="cleaned", removed=["info"])

    # Not parseable: accepted as a sealed original only.
    write("pdf_broken.pdf", b"%PDF-1.4\n" + b"CANARY garbage " * 20, kind="pdf", expect="not_possible")


# ------------------------------------------------------------------------------------------------
# DOCX and other archives
# ------------------------------------------------------------------------------------------------

CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
      '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
      '<Default Extension="xml" ContentType="application/xml"/>'
      '<Default Extension="jpeg" ContentType="image/jpeg"/>'
      '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
      '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
      '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
      '<Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/>'
      "</Types>")
RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
        '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>'
        '<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties" Target="docProps/custom.xml"/>'
        "</Relationships>")
CORE = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        "<dc:title>CANARY judul</dc:title><dc:creator>" + PERSON + "</dc:creator>"
        "<cp:lastModifiedBy>CANARY Siti</cp:lastModifiedBy><cp:revision>3</cp:revision>"
        '<dcterms:created xsi:type="dcterms:W3CDTF">2024-10-13T03:00:00Z</dcterms:created>'
        "</cp:coreProperties>")
APP = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
       '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
       "<Template>C:\\Users\\CANARY-budi\\AppData\\Roaming\\Microsoft\\Templates\\Normal.dotm</Template>"
       "<Application>Microsoft Office Word</Application><Company>CANARY Pemkot Semarang</Company>"
       "<Manager>CANARY Kepala Dinas</Manager></Properties>")
CUSTOM = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
          '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
          'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
          '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="NIP">'
          "<vt:lpwstr>CANARY 197805122005011003</vt:lpwstr></property></Properties>")
DOC_NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
          'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
          'xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml"')


def document(extra=""):
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ' + DOC_NS + "><w:body>"
            "<w:p><w:r><w:t>Camat mengunggah ajakan memilih paslon.</w:t></w:r></w:p>" + extra +
            "</w:body></w:document>")


DOC_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{}</Relationships>')


def docx(parts):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts:
            info = zipfile.ZipInfo(name, date_time=(2024, 10, 13, 10, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return b.getvalue()


def docx_corpus():
    base = [("[Content_Types].xml", CT), ("_rels/.rels", RELS), ("word/document.xml", document()),
            ("word/_rels/document.xml.rels", DOC_RELS.format("")), ("docProps/core.xml", CORE),
            ("docProps/app.xml", APP), ("docProps/custom.xml", CUSTOM)]
    write("docx_core_app_custom.docx", docx(base), kind="docx", expect="cleaned",
          removed=["app_properties", "core_properties", "custom_properties"])

    tracked = document('<w:p><w:ins w:id="1" w:author="' + PERSON + '" w:date="2024-10-13T03:00:00Z">'
                       "<w:r><w:t>tambahan</w:t></w:r></w:ins>"
                       '<w:commentRangeStart w:id="0"/><w:r><w:t>x</w:t></w:r><w:commentRangeEnd w:id="0"/></w:p>')
    comments = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:comments ' + DOC_NS + ">"
                '<w:comment w:id="0" w:author="CANARY Siti" w:initials="CS" w:date="2024-10-13T03:00:00Z">'
                "<w:p><w:r><w:t>cek</w:t></w:r></w:p></w:comment></w:comments>")
    people = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w15:people ' + DOC_NS + ">"
              '<w15:person w15:author="' + PERSON + '"><w15:presenceInfo w15:providerId="AD" '
              'w15:userId="S-1-5-21-CANARY"/></w15:person></w15:people>')
    settings = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:settings ' + DOC_NS + ">"
                '<w:attachedTemplate r:id="rId1"/></w:settings>')
    settings_rels = DOC_RELS.format(
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" '
        'Target="file:///C:\\Users\\CANARY-budi\\AppData\\Roaming\\Microsoft\\Templates\\Dinas.dotm" TargetMode="External"/>')
    parts = [p for p in base if p[0] != "word/document.xml"] + [
        ("word/document.xml", tracked), ("word/comments.xml", comments), ("word/people.xml", people),
        ("word/settings.xml", settings), ("word/_rels/settings.xml.rels", settings_rels)]
    write("docx_tracked_changes_comments.docx", docx(parts), kind="docx", expect="cleaned",
          removed=["app_properties", "core_properties", "custom_properties", "revision_authors", "template_path"])

    photo = compose_jpeg(jpeg_bytes(picture()), [segment(0xE1, b"Exif\0\0" + tiff_exif("<")),
                                                 segment(0xE1, b"http://ns.adobe.com/xap/1.0/\0" + XMP)])
    thumb = compose_jpeg(jpeg_bytes(picture(32, 24)), [segment(0xFE, b"CANARY thumbnail comment")])
    parts = base + [("word/media/image1.jpeg", photo), ("docProps/thumbnail.jpeg", thumb)]
    write("docx_embedded_photo_exif.docx", docx(parts), kind="docx", expect="cleaned",
          removed=["app_properties", "core_properties", "custom_properties", "embedded_image_metadata"])

    only_core = [("[Content_Types].xml", CT), ("_rels/.rels", RELS), ("word/document.xml", document()),
                 ("docProps/core.xml", CORE)]
    write("docx_core_only.docx", docx(only_core), kind="docx", expect="cleaned", removed=["core_properties"])

    # Hostile archives.
    bomb = [("[Content_Types].xml", CT), ("_rels/.rels", RELS), ("word/document.xml", document()),
            ("word/media/padding.bin", b"\0" * (64 * 1024 * 1024))]
    write("hostile_zip_bomb.docx", docx(bomb), expect="error", code="evidence-archive-bomb")
    many = [("[Content_Types].xml", CT), ("word/document.xml", document())] + [(f"word/x{i}.xml", "") for i in range(1001)]
    write("hostile_too_many_entries.docx", docx(many), expect="error", code="evidence-archive-bomb")
    # An entry whose headers declare 1,000 bytes but which inflates to 2 MiB.
    lying = bytearray(docx([("[Content_Types].xml", CT), ("word/document.xml", document()),
                            ("word/media/liar.bin", b"\0" * (2 * 1024 * 1024))]))
    real = struct.pack("<I", 2 * 1024 * 1024)
    n = lying.count(real)
    assert n == 2, n  # local header and central directory
    lying = bytes(lying).replace(real, struct.pack("<I", 1000))
    write("hostile_lying_sizes.docx", lying, expect="error", code="evidence-archive-bomb")
    write("hostile_path_traversal.docx", docx(base + [("../../evil.sh", "#!/bin/sh\necho CANARY")]), expect="error",
          code="evidence-unsafe-archive")
    write("hostile_xlsx.docx", docx([("[Content_Types].xml", CT), ("xl/workbook.xml", "<workbook/>")]), expect="error",
          code="evidence-type-not-allowed")
    write("hostile_docm_macros.docx", docx(base + [("word/vbaProject.bin", b"\xd0\xcf\x11\xe0CANARY")]),
          expect="error", code="evidence-type-not-allowed")


def other_corpus():
    def box(kind, payload):
        return struct.pack(">I", 8 + len(payload)) + kind + payload

    write("heic_iphone.heic", box(b"ftyp", b"heic\0\0\0\0mif1heic") + box(b"meta", b"\0" * 4 + b"CANARY Exif item")
          + box(b"mdat", bytes(64)), kind="heic", expect="not_possible")
    write("mp4_gps.mp4", box(b"ftyp", b"isom\0\0\x02\0isomiso2avc1mp41")
          + box(b"moov", box(b"udta", box(b"\xa9xyz", b"\0\x11\x15\xc7-06.9867+110.4250/CANARY")))
          + box(b"mdat", bytes(64)), kind="mp4", expect="not_possible")
    write("mov_quicktime.mov", box(b"ftyp", b"qt  \0\0\x02\0qt  ") + box(b"mdat", bytes(64)), kind="mov",
          expect="not_possible")
    write("hostile_exe_named_jpg.jpg", b"MZ\x90\0\x03\0\0\0" + bytes(56) + b"PE\0\0CANARY", expect="error",
          code="evidence-type-not-allowed", declared_name="foto_camat.jpg")
    write("hostile_html_named_pdf.pdf", b"<!DOCTYPE html><html><script>alert('CANARY')</script></html>",
          expect="error", code="evidence-type-not-allowed", declared_name="laporan.pdf")
    write("hostile_svg_image.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>CANARY</script></svg>',
          expect="error", code="evidence-type-not-allowed")
    write("hostile_link_only.txt", b"https://www.facebook.com/CANARY/posts/123\n", expect="error",
          code="evidence-link-not-a-file")
    b = io.BytesIO()
    picture(seed=12).save(b, "PNG")
    write("lie_png_named_jpg.jpg", b.getvalue(), kind="png", expect="cleaned", removed=[], declared_name="foto.jpg")


def main():
    for f in os.listdir(OUT):
        if f != "generate.py" and not f.startswith("."):
            os.remove(os.path.join(OUT, f))
    jpeg_corpus()
    png_corpus()
    webp_corpus()
    gif_corpus()
    pdf_corpus()
    docx_corpus()
    other_corpus()
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(MANIFEST, f, indent=1, sort_keys=True)
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(OUT, e["file"])) for e in MANIFEST)
    print(f"{len(MANIFEST)} files, {total} bytes")


if __name__ == "__main__":
    main()
