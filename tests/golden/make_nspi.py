#!/usr/bin/env python3
"""Writes address book (NSPI) golden vectors ([MS-OXCMAPIHTTP] 2.2.5, 2.2.1; [MS-OXNSPI] 2.2.8).
The STAT values are those of the [MS-OXNSPI] section 4 example (CodePage 0x4E4, locales 0x409).
Usage: python3 tests/golden/make_nspi.py   (then UPDATE_GOLDEN=1 cargo test -p mapiscope-codec --test golden)
"""
import os, struct
HERE = os.path.dirname(os.path.abspath(__file__))

def hexfile(name, data, comment):
    lines = ["# " + c for c in comment.split("\n")]
    lines += [" ".join("%02x" % x for x in data[i:i + 16]) for i in range(0, len(data), 16)]
    open(os.path.join(HERE, name), "w").write("\n".join(lines) + "\n")

META = b"PROCESSING\r\nDONE\r\nX-ResponseCode: 0\r\nX-ElapsedTime: 2\r\n\r\n"
AUX0 = struct.pack("<I", 0)
def stat(cur=0, delta=0, numpos=0, total=0):
    return struct.pack("<IIIiIIIII", 0, 0, cur, delta, numpos, total, 0x4E4, 0x409, 0x409)
def u16z(s): return s.encode("utf-16le") + b"\0\0"
def tags(ts): return struct.pack("<I", len(ts)) + b"".join(struct.pack("<I", t) for t in ts)
SERVER_GUID = bytes.fromhex("d1c2b3a4f5e60718293a4b5c6d7e8f90")

hexfile("bind.Bind.req.hex", struct.pack("<I", 0) + b"\x01" + stat() + AUX0,
        "[MS-OXCMAPIHTTP] 2.2.5.1.1 Bind request: Flags 0, HasState, STAT as in [MS-OXNSPI] 4 (CodePage 0x4E4, locales 0x409)")
hexfile("bind.Bind.resp.hex", META + struct.pack("<II", 0, 0) + SERVER_GUID + AUX0,
        "[MS-OXCMAPIHTTP] 2.2.5.1.2 Bind success response: ServerGuid")

cols = [0x3001001F, 0x39FE001F, 0x0FFE0003, 0x0FFF0102]   # DisplayName, SmtpAddress, ObjectType, EntryId
req = (struct.pack("<I", 0) + b"\x01" + stat() + struct.pack("<I", 0) + struct.pack("<I", 2)
       + b"\x01" + tags(cols) + AUX0)
hexfile("queryrows.QueryRows.req.hex", req,
        "[MS-OXCMAPIHTTP] 2.2.5.12.1 QueryRows request: HasState, no explicit table, RowCount 2, 4 columns")
eph = bytes([0x87, 0, 0, 0]) + SERVER_GUID + struct.pack("<III", 1, 0, 0x1234)   # EphemeralEntryID, DT_MAILUSER
row1 = (b"\x00" + b"\xff" + u16z("Alice Example") + b"\xff" + u16z("alice@contoso.com") + struct.pack("<I", 6)
        + b"\xff" + struct.pack("<I", len(eph)) + eph)
row2 = (b"\x01" + b"\x00" + b"\xff" + u16z("Bob Example") + b"\x01" + b"\x00" + struct.pack("<I", 6)
        + b"\x0a" + struct.pack("<I", 0x8004010F))
resp = (struct.pack("<II", 0, 0) + b"\x01" + stat(cur=0x1235, numpos=2, total=2) + b"\x01" + tags(cols)
        + struct.pack("<I", 2) + row1 + row2 + AUX0)
hexfile("queryrows.QueryRows.resp.hex", META + resp,
        "[MS-OXCMAPIHTTP] 2.2.5.12.2 QueryRows success response: STAT, Columns, a standard row (strings, an integer and an\n"
        "ephemeral entry id in PtypBinary) and a flagged row (a value, a missing value, an integer, a PtypErrorCode NotFound)")

names = u16z("alice") + u16z("Bob Ex")
req = (struct.pack("<I", 0) + b"\x01" + stat() + b"\x01" + tags([0x3001001F, 0x39FE001F]) + b"\x01"
       + struct.pack("<I", 2) + names + AUX0)
hexfile("resolvenames.ResolveNames.req.hex", req, "[MS-OXCMAPIHTTP] 2.2.5.14.1 ResolveNames request: two UTF-16 names")
resp = (struct.pack("<II", 0, 0) + struct.pack("<I", 0x4E4) + b"\x01" + struct.pack("<III", 2, 0x1234, 1)
        + b"\x01" + tags([0x3001001F, 0x39FE001F]) + struct.pack("<I", 1)
        + b"\x00" + b"\xff" + u16z("Alice Example") + b"\xff" + u16z("alice@contoso.com") + AUX0)
hexfile("resolvenames.ResolveNames.resp.hex", META + resp,
        "[MS-OXCMAPIHTTP] 2.2.5.14.2 ResolveNames success response: MinimalIds (0x1234, MID_AMBIGUOUS) and one row")
