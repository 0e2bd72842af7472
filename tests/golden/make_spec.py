#!/usr/bin/env python3
"""Writes golden Execute exchanges built around the hex examples of the specifications, so the whole
pipeline (envelope, RPC_HEADER_EXT, ROP framing, ROP pairing and context) is checked on them:

* [MS-OXORULE] 4.2.1/4.2.2: RopGetRulesTable, RopSetColumns, RopQueryRows and their responses — the
  RopQueryRows row decodes with the columns of the RopSetColumns before it.
* [MS-OXCPRPT] 4.2.1/4.2.2: RopSetProperties with PidTagSubjectPrefix "" and PidTagNormalizedSubject
  "Hello World", and its response.
* [MS-OXCFOLD] 4.5.1: RopMoveFolder (Unicode NewFolderName "Folder1", FolderId 0001-00000E8EDF36).
* [MS-OXCMSG] 4.8.1: RopSaveChangesMessage (SaveFlags 0x0A).
* [MS-OXCTABL] 4.5.3.1 RopQueryRows request, 4.3.2 RopSortTable response.
The handle table values are the examples' where they give them, otherwise small made-up handles.
Usage: python3 tests/golden/make_spec.py   (then UPDATE_GOLDEN=1 cargo test -p mapiscope-codec --test golden)
"""
import os, struct
HERE = os.path.dirname(os.path.abspath(__file__))

def h(s): return bytes.fromhex(s.replace("-", " "))

def hexfile(name, data, comment):
    lines = ["# " + c for c in comment.split("\n")]
    lines += [" ".join("%02x" % x for x in data[i:i + 16]) for i in range(0, len(data), 16)]
    open(os.path.join(HERE, name), "w").write("\n".join(lines) + "\n")

def payload(rops, handles):
    return struct.pack("<H", 2 + len(rops)) + rops + b"".join(struct.pack("<I", x) for x in handles)

def unit(p): return struct.pack("<HHHH", 0, 4, len(p), len(p)) + p

def request(rops, handles):
    u = unit(payload(rops, handles))
    return struct.pack("<II", 3, len(u)) + u + struct.pack("<II", 0x40000, 0)

def response(rops, handles):
    u = unit(payload(rops, handles))
    return (b"PROCESSING\r\nDONE\r\nX-ResponseCode: 0\r\n\r\n" + struct.pack("<III", 0, 0, 0)
            + struct.pack("<I", len(u)) + u + struct.pack("<I", 0))

def pair(stem, req_rops, req_handles, resp_rops, resp_handles, comment):
    hexfile(f"{stem}.Execute.req.hex", request(req_rops, req_handles), comment)
    hexfile(f"{stem}.Execute.resp.hex", response(resp_rops, resp_handles), comment)

pair("spec_oxorule_rules_table",
     h("3f 00 00 01 40") + h("12 00 01 00 03 00 14 00 74 66 02 01 84 66 1f 00 82 66") + h("15 00 01 00 01 32 00"),
     [0x223, 0xFFFFFFFF],
     h("3f 01 00 00 00 00") + h("12 01 00 00 00 00 00")
     + h("15 01 00 00 00 00 02 01 00 00 01 00 00 00 01 3f f8 56 10 00 01 00 00 00 01 00 00 00 55 55 55 55 d1 44 e3 40"
         " 50 00 72 00 6f 00 6a 00 65 00 63 00 74 00 20 00 58 00 00 00"),
     [0x223, 0x301],
     "[MS-OXORULE] 4.2.1/4.2.2: RopGetRulesTable, RopSetColumns (PidTagRuleId, PidTagRuleProvider, PidTagRuleName) and\n"
     "RopQueryRows; the response row (PidTagRuleId 0x56F83F0100000001, provider data, \"Project X\") is typed by the\n"
     "RopSetColumns columns.")
pair("spec_oxcprpt_set_properties",
     h("0A 00 00 24 00 02 00 1F 00 3D 00 00 00 1F 00 1D 0E 48 00 65 00 6C 00 6C 00 6F 00 20 00 57 00 6F 00 72 00 6C 00 64 00 00 00"),
     [0x45],
     h("0A 00 00 00 00 00 00 00"), [0x45],
     "[MS-OXCPRPT] 4.2.1/4.2.2: RopSetProperties (PidTagSubjectPrefix \"\", PidTagNormalizedSubject \"Hello World\") and its response.")
pair("spec_oxcfold_move_folder",
     h("35 00 01 02 01 01 01 00 00 00 0E 8E DF 36 46 00 6F 00 6C 00 64 00 65 00 72 00 31 00 00 00"),
     [0x10, 0x11, 0x12],
     h("35 01 00 00 00 00 00"), [0x10, 0x11, 0x12],
     "[MS-OXCFOLD] 4.5.1/4.5.2: RopMoveFolder of FolderId 0001-00000E8EDF36 to NewFolderName \"Folder1\" (Unicode).")
pair("spec_oxcmsg_save_changes",
     h("0c 00 00 01 0a"), [0x20, 0x21],
     h("0c 00 00 00 00 00 01 01 00 00 00 00 00 00 2c"), [0x20, 0x21],
     "[MS-OXCMSG] 4.8.1: RopSaveChangesMessage with SaveFlags 0x0A; the response (MessageId 0001-00000000002C) is\n"
     "built from the layout of [MS-OXCROPS] 2.2.6.3.2.")
pair("spec_oxctabl_query_rows_sort_table",
     h("13 00 00 00 02 00 01 00 01 00 1f 30 08 80 00 40 00 06 0e 01") + h("15 00 00 00 01 32 00"), [0x30],
     h("13 00 00 00 00 00 00") + h("15 00 00 00 00 00 02 00 00"), [0x30],
     "[MS-OXCTABL] 4.3.1/4.3.2 RopSortTable (two sort orders, one category, expanded) and 4.5.3.1 RopQueryRows (0x32 rows);\n"
     "the RopQueryRows response returns no rows (its row data needs a RopSetColumns this exchange does not have).")
