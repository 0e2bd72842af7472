#!/usr/bin/env python3
"""Checks data/proptags.tsv, data/namedprops.tsv and data/propsets.tsv ([MS-OXPROPS]) for consistency.

The catalogue was transcribed from the [MS-OXPROPS] section 2 entries (canonical name, property ID or property
set + LID / string name, data type) and renumbered to the revision whose last entry is 2.1080 PidTagWlinkType;
spot checks against the specification pages are in src/props.rs (SPEC_CHECKED). This script re-checks what a
transcription error would break:

  * every section 2.1 .. 2.1080 appears (2.635 is the one entry not identified), each for one canonical name;
  * the sections run in case-insensitive alphabetical order of the canonical names, PidLid < PidName < PidTag,
    as the specification orders them;
  * ids, LIDs and types are well formed; every type is an [MS-OXCDATA] 2.11.1 type; every property set is in
    propsets.tsv; no (id, type, name), (set, LID) or (set, name, canonical name) row repeats.

Run: python3 crates/codec/data/tools/oxprops_check.py   (prints the counts; exits non-zero on a problem)
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..")
TYPES = {0x0000, 0x0001, 0x0002, 0x0003, 0x0004, 0x0005, 0x0006, 0x0007, 0x000A, 0x000B, 0x000D, 0x0014, 0x001E,
         0x001F, 0x0040, 0x0048, 0x00FB, 0x00FD, 0x00FE, 0x0102, 0x1002, 0x1003, 0x1004, 0x1005, 0x1006, 0x1007,
         0x1014, 0x101E, 0x101F, 0x1040, 0x1048, 0x1102}
LAST_SECTION = 1080
NOT_IDENTIFIED = {635}


def rows(name):
    out = []
    for n, line in enumerate(open(os.path.join(DATA, name), encoding="utf-8"), 1):
        if line.strip() and not line.startswith("#"):
            out.append((n, line.rstrip("\n").split("\t")))
    return out


def section(src, where):
    if not src.startswith("[MS-OXPROPS] 2."):
        sys.exit(f"{where}: source is not an [MS-OXPROPS] section: {src}")
    return int(src[len("[MS-OXPROPS] 2."):])


def main():
    errors = []
    sets = {}
    for n, c in rows("propsets.tsv"):
        if len(c) != 3 or c[1] in sets:
            errors.append(f"propsets.tsv:{n}: bad or duplicate row")
        sets[c[1]] = c[0]
    if len(set(sets.values())) != len(sets):
        errors.append("propsets.tsv: duplicate GUID")

    by_section = {}
    seen = set()
    tags = 0
    for n, c in rows("proptags.tsv"):
        where = f"proptags.tsv:{n}"
        if len(c) != 4:
            errors.append(f"{where}: want 4 columns")
            continue
        pid, ptype, name = int(c[0], 16), int(c[1], 16), c[2]
        if not (0 <= pid <= 0xFFFF and ptype in TYPES and name.startswith("PidTag")):
            errors.append(f"{where}: bad id/type/name")
        if (pid, ptype, name) in seen:
            errors.append(f"{where}: duplicate row")
        seen.add((pid, ptype, name))
        by_section.setdefault(section(c[3], where), set()).add(name)
        tags += 1

    lids, strings = set(), set()
    for n, c in rows("namedprops.tsv"):
        where = f"namedprops.tsv:{n}"
        if len(c) != 6 or c[0] not in sets or c[1] not in ("lid", "name") or int(c[3], 16) not in TYPES:
            errors.append(f"{where}: bad row")
            continue
        if c[1] == "lid":
            key = (c[0], int(c[2], 16))
            if key in lids or not c[4].startswith("PidLid"):
                errors.append(f"{where}: duplicate LID or not a PidLid name")
            lids.add(key)
        else:
            key = (c[0], c[2], c[4])
            if key in strings or not c[4].startswith("PidName"):
                errors.append(f"{where}: duplicate name or not a PidName name")
            strings.add(key)
        by_section.setdefault(section(c[5], where), set()).add(c[4])

    want = [s for s in range(1, LAST_SECTION + 1) if s not in NOT_IDENTIFIED]
    if sorted(by_section) != want:
        missing = sorted(set(want) - set(by_section))
        extra = sorted(set(by_section) - set(want))
        errors.append(f"sections: missing {missing}, unexpected {extra}")
    order = []
    for s in sorted(by_section):
        if len(by_section[s]) != 1:
            errors.append(f"section 2.{s} has several names: {sorted(by_section[s])}")
        order.append((s, min(by_section[s])))
    for (s1, a), (s2, b) in zip(order, order[1:]):
        if a.lower() >= b.lower():
            errors.append(f"order: 2.{s1} {a} is not before 2.{s2} {b}")

    for e in errors:
        print(e)
    print(f"{tags} PidTag rows ({len({n for _, _, n in seen})} properties), {len(lids)} PidLid, "
          f"{len(strings)} PidName, {len(sets)} property sets, {len(by_section)} sections")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
