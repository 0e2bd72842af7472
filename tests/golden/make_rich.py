#!/usr/bin/env python3
"""Writes the golden vectors that need compression: Execute exchanges whose RopBuffers are LZ77-compressed
and XOR-obfuscated (packed response units included) and bodies with non-empty auxiliary buffers.

The compressor is the independent one in tests/lz77/make_vectors.py (checked there with xpress-lz77).
The ROP bytes follow [MS-OXCROPS] (RopLogon 2.2.3.1, RopGetReceiveFolder 2.2.3.2, RopOpenFolder 2.2.4.1,
RopGetHierarchyTable 2.2.4.13), so they stay meaningful when the ROP list is decoded.
Usage: python3 tests/golden/make_rich.py   (then UPDATE_GOLDEN=1 cargo test -p mapiscope-codec --test golden)
"""
import os, struct, sys
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lz77"))
from make_vectors import compress  # noqa: E402

def hexfile(name, data, comment):
    lines = ["# " + c for c in comment.split("\n")]
    lines += [" ".join("%02x" % x for x in data[i:i + 16]) for i in range(0, len(data), 16)]
    open(os.path.join(HERE, name), "w").write("\n".join(lines) + "\n")

def xor(b): return bytes(x ^ 0xA5 for x in b)

def unit(payload, flags):
    """One RPC_HEADER_EXT + payload; flags: 1 Compressed, 2 XorMagic, 4 Last."""
    body = payload
    if flags & 1:
        body = compress(payload)
        assert len(body) < len(payload), "payload must shrink"
    if flags & 2:
        body = xor(body)
    return struct.pack("<HHHH", 0, flags, len(body), len(payload)) + body

def aux_block(version, typ, block):
    return struct.pack("<HBB", 4 + len(block), version, typ) + block

def aux(blocks, flags=4):
    if not blocks:
        return struct.pack("<I", 0)
    u = unit(b"".join(blocks), flags)
    return struct.pack("<I", len(u)) + u

def utf16z(s): return s.encode("utf-16le") + b"\0\0"
def fid(counter, repl=1):
    """[MS-OXCDATA] 2.2.1.1 Folder ID: ReplId (little-endian u16) + GlobalCounter (6 bytes, big-endian)."""
    return struct.pack("<H", repl) + counter.to_bytes(6, "big")
GUID = bytes.fromhex("0123456789abcdef0123456789abcdef")
# Hierarchy table columns: PidTagDisplayName, PidTagFolderId, PidTagContentCount, PidTagContentUnreadCount,
# PidTagSubfolders, PidTagContainerClass, PidTagEntryId, PidTagParentFolderId, PidTagFolderType, PidTagMessageSize.
COLUMNS = (0x3001001F, 0x67480014, 0x36020003, 0x36030003, 0x360A000B, 0x3613001F, 0x0FFF0102, 0x67490014, 0x36010003, 0x0E080003)
MAILBOX_GUID = bytes.fromhex("c3e1785796 52ce46a353b3e07f9b97bc".replace(" ", ""))
DATABASE_GUID = bytes.fromhex("0f2a37dd3c1c7d4e9b7e0c7b2e44a5f1")
PSETID_COMMON = bytes.fromhex("0820060000000000c000000000000046")  # {00062008-0000-0000-C000-000000000046}
DN = b"/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=alice\0"

# ---- Execute request: RopLogon + RopGetReceiveFolder + RopOpenFolder + RopGetHierarchyTable
rops = (bytes([0xFE, 0x00, 0x00, 0x01]) + struct.pack("<IIH", 0x0100040C, 0, len(DN)) + DN
        + bytes([0x27, 0x00, 0x00]) + b"IPM.Note\0"
        + bytes([0x02, 0x00, 0x00, 0x01]) + fid(0x0E8EDF36) + b"\x00"
        + bytes([0x04, 0x00, 0x01, 0x02, 0x00])
        + bytes([0x12, 0x00, 0x02, 0x00]) + struct.pack("<H", len(COLUMNS))
        + b"".join(struct.pack("<I", t) for t in COLUMNS)
        + bytes([0x15, 0x00, 0x02, 0x00, 0x01]) + struct.pack("<H", 50)
        + bytes([0x56, 0x00, 0x01, 0x02]) + struct.pack("<H", 8)
        + b"".join(b"\x00" + PSETID_COMMON + struct.pack("<I", lid) for lid in (0x8501, 0x8503, 0x8506, 0x8510, 0x8514, 0x8516, 0x8517, 0x8580)))
payload = struct.pack("<H", 2 + len(rops)) + rops + struct.pack("<III", 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF)
rb = unit(payload, 1 | 2 | 4)
req_aux = aux([
    aux_block(1, 0x01, struct.pack("<HH", 1, 7)),                                   # AUX_PERF_REQUESTID
    aux_block(2, 0x04, struct.pack("<HH", 1, 0) + GUID + struct.pack("<I", 42)),    # AUX_PERF_SESSIONINFO_V2
    aux_block(2, 0x0B, struct.pack("<HH", 3, 0) + GUID + struct.pack("<HH", 28, 0) + utf16z("OUTLOOK.EXE")),  # AUX_PERF_PROCESSINFO
], flags=4)
req = struct.pack("<II", 0, len(rb)) + rb + struct.pack("<I", 0x40000) + req_aux
SAMPLES = os.path.join(HERE, "..", "samples")
open(os.path.join(SAMPLES, "execute.request.bin"), "wb").write(req)
hexfile("execute_compressed.Execute.req.hex", req,
        "Execute request: Flags 0 (server may compress); RopBuffer = one RPC_HEADER_EXT with Compressed|XorMagic|Last\n"
        "whose payload is a ROP input buffer (RopLogon, RopGetReceiveFolder, RopOpenFolder, RopGetHierarchyTable, RopSetColumns,\n"
        "RopQueryRows, RopGetPropertyIdsFromNames with 8 PSETID_Common names, 3 handle slots);\n"
        "AuxiliaryBuffer with AUX_PERF_REQUESTID, AUX_PERF_SESSIONINFO_V2, AUX_PERF_PROCESSINFO.")

# ---- Execute response: packed, two compressed units (first without Last), answering every request ROP
def folder_entry_id(counter):
    """[MS-OXCDATA] 2.2.4.1 Folder EntryID (46 bytes) of a private mailbox folder."""
    return (struct.pack("<I", 0) + MAILBOX_GUID + struct.pack("<H", 0x0001) + DATABASE_GUID
            + counter.to_bytes(6, "big") + b"\0\0")
def u16z(t): return t.encode("utf-16le") + b"\0\0"
def row(name, counter, count, unread, subfolders, cls, size):
    return (b"\x00" + u16z(name) + fid(counter) + struct.pack("<II", count, unread) + bytes([subfolders]) + u16z(cls)
            + struct.pack("<H", 46) + folder_entry_id(counter) + fid(0x0E8EDF36) + struct.pack("<II", 1, size))
logon = (bytes([0xFE, 0x00]) + struct.pack("<I", 0) + b"\x01" + b"".join(fid(0x0E8EDF30 + i) for i in range(13)) + b"\x07"
         + MAILBOX_GUID + struct.pack("<H", 1) + DATABASE_GUID
         + bytes([30, 15, 17, 5, 27, 11]) + struct.pack("<H", 2026) + struct.pack("<Q", 0x01DC5F5B5E3C8000) + struct.pack("<I", 0))
handles = struct.pack("<III", 0x00000123, 0x00000456, 0x00000789)
out1 = struct.pack("<H", 2 + len(logon)) + logon + handles
rops2 = (bytes([0x27, 0x00]) + struct.pack("<I", 0) + fid(0x0E8EDF34) + b"IPM\0"                 # RopGetReceiveFolder
         + bytes([0x02, 0x01]) + struct.pack("<I", 0) + b"\x00\x00"                              # RopOpenFolder: no rules, not ghosted
         + bytes([0x04, 0x02]) + struct.pack("<I", 0) + struct.pack("<I", 2)                       # RopGetHierarchyTable: 2 rows
         + bytes([0x12, 0x02]) + struct.pack("<I", 0) + b"\x00"                                    # RopSetColumns: TBLSTAT_COMPLETE
         + bytes([0x15, 0x02]) + struct.pack("<I", 0) + b"\x02" + struct.pack("<H", 2)            # RopQueryRows: end of table, 2 rows
         + row("Inbox", 0x0E8EDF34, 12, 3, 1, "IPF.Note", 48213)
         + row("Calendar", 0x0E8EDF3A, 5, 0, 0, "IPF.Appointment", 9120)
         + bytes([0x56, 0x01]) + struct.pack("<I", 0) + struct.pack("<H", 8)                       # RopGetPropertyIdsFromNames
         + b"".join(struct.pack("<H", 0x8500 + i) for i in range(8)))
out2 = struct.pack("<H", 2 + len(rops2)) + rops2 + handles
rb = unit(out1, 1 | 2) + unit(out2, 1 | 4)
body = struct.pack("<III", 0, 0, 0) + struct.pack("<I", len(rb)) + rb + aux([])
resp = b"PROCESSING\r\nPENDING\r\nDONE\r\nX-ResponseCode: 0\r\nX-ElapsedTime: 48\r\nX-StartTime: Fri, 27 Nov 2026 17:00:01 GMT\r\n\r\n" + body
open(os.path.join(SAMPLES, "execute.response.bin"), "wb").write(resp)
hexfile("execute_compressed.Execute.resp.hex", resp,
        "Execute response: packed RopBuffer of two RPC_HEADER_EXT units (Compressed|XorMagic, then Compressed|Last),\n"
        "each an independent ROP output buffer: the private-mailbox RopLogon response, then the responses to\n"
        "RopGetReceiveFolder, RopOpenFolder, RopGetHierarchyTable, RopSetColumns, RopQueryRows (two rows over the\n"
        "request's columns) and RopGetPropertyIdsFromNames.")

# ---- Connect response with server auxiliary blocks
blocks = [
    aux_block(1, 0x0A, struct.pack("<II", 0x1 | 0x4 | 0x8, 60000)),                          # AUX_CLIENT_CONTROL
    aux_block(1, 0x16, struct.pack("<IIII", 156, 10, 0, 20348) + b"\0" * 132 + struct.pack("<HHI", 0, 0, 0)),  # AUX_OSVERSIONINFO
    aux_block(1, 0x17, struct.pack("<I", 0x1)),                                              # AUX_EXORGINFO
    aux_block(1, 0x4B, struct.pack("<HH", 8, 0) + utf16z("MBX01")),                          # AUX_SERVER_SESSION_INFO
    aux_block(1, 0x48, struct.pack("<I", 0x1)),                                              # AUX_ENDPOINT_CAPABILITIES
]
body = (struct.pack("<II", 0, 0) + struct.pack("<III", 60000, 6, 10000)
        + b"/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)\0" + utf16z("Alice Example") + aux(blocks, flags=1 | 4))
resp = b"PROCESSING\r\nDONE\r\nX-ResponseCode: 0\r\nX-ElapsedTime: 9\r\n\r\n" + body
hexfile("connect_aux.Connect.resp.hex", resp,
        "Connect success response whose compressed AuxiliaryBuffer carries AUX_CLIENT_CONTROL, AUX_OSVERSIONINFO,\n"
        "AUX_EXORGINFO, AUX_SERVER_SESSION_INFO and AUX_ENDPOINT_CAPABILITIES ([MS-OXCRPC] 3.1.4.1.2.1).")
