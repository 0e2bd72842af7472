#!/usr/bin/env python3
"""LZ77 + DIRECT2 ([MS-OXCRPC] 3.1.4.1.1.2) cross-check vectors for mapiscope's decompressor.

The decompressor in crates/codec/src/rpc/lz77.rs is checked against data it did not produce:

* `vectors/NAME.bin` are deterministic plain inputs (text, runs, random bytes, matches longer than
  280 bytes, a full 32 KiB payload, many long matches sharing nibble bytes).
* `vectors/NAME.py.lz77` is NAME.bin compressed by the encoder below, written independently from the
  [MS-XCA] 2.3 "Plain LZ77" pseudocode (same bitstream as DIRECT2, see lz77.rs), with a different
  match search (lazy matching over all candidates) than the Rust test encoder.
* Every .py.lz77 is verified with the independent decompressor of the PyPI package `xpress-lz77`
  (`pip install xpress-lz77`; it exposes only decompressors: `lz77_plain_decompress_py`) before it is
  written, so a bug in this encoder cannot make a wrong vector.
* `vectors/NAME.rs.lz77` (written by the Rust test `rpc::lz77::tests::independent_vectors` when
  LZ77_BLESS=1) is the Rust test encoder's output; `--check` decompresses it with `xpress-lz77` too,
  and the Rust test keeps it byte-identical, so the Rust encoder stays checked.

The Rust test decompresses every .py.lz77 and .rs.lz77 and compares with NAME.bin.

Usage: python3 tests/lz77/make_vectors.py           # (re)write the .bin and .py.lz77 files
       python3 tests/lz77/make_vectors.py --check   # verify every vector with xpress-lz77
"""

import os
import random
import struct
import sys

import xpress_lz77

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "vectors")
MAX_DISTANCE = 8192
MAX_MATCH = 0xFFFF + 3


def compress(data: bytes) -> bytes:
    """[MS-XCA] 2.3.4 Plain LZ77 compression, with a lazy longest-match search."""
    out = bytearray(4)
    flags = 0
    flag_count = 0
    flag_pos = 0
    half = None  # position of the length byte whose high nibble is free

    def push_flag(bit):
        nonlocal flags, flag_count, flag_pos
        flags = ((flags << 1) | bit) & 0xFFFFFFFF
        flag_count += 1
        if flag_count == 32:
            out[flag_pos:flag_pos + 4] = struct.pack("<I", flags)
            flag_count = 0
            flags = 0
            flag_pos = len(out)
            out.extend(b"\0\0\0\0")

    table = {}  # 3-byte key -> positions, newest last

    def longest(pos):
        best_len, best_dist = 0, 0
        if pos + 3 > len(data):
            return 0, 0
        limit = min(len(data) - pos, MAX_MATCH)
        for cand in reversed(table.get(data[pos:pos + 3], ())):
            dist = pos - cand
            if dist > MAX_DISTANCE:
                break
            n = 0
            while n < limit and data[cand + n] == data[pos + n]:
                n += 1
            if n > best_len:
                best_len, best_dist = n, dist
                if n == limit:
                    break
        return best_len, best_dist

    def insert(pos):
        if pos + 3 <= len(data):
            lst = table.setdefault(data[pos:pos + 3], [])
            lst.append(pos)
            if len(lst) > 256:
                del lst[:128]

    pos = 0
    while pos < len(data):
        n, d = longest(pos)
        if n >= 3 and pos + 1 < len(data):
            # Lazy matching: take a literal if the next position has a clearly longer match.
            insert(pos)
            n2, _ = longest(pos + 1)
            if n2 > n + 1:
                out.append(data[pos])
                push_flag(0)
                pos += 1
                continue
            del table[data[pos:pos + 3]][-1]
        if n < 3:
            out.append(data[pos])
            push_flag(0)
            insert(pos)
            pos += 1
            continue
        length = n - 3
        offset = (d - 1) << 3
        if length < 7:
            out += struct.pack("<H", offset | length)
        else:
            out += struct.pack("<H", offset | 7)
            length -= 7
            nibble = min(length, 15)
            if half is None:
                half = len(out)
                out.append(nibble)
            else:
                out[half] |= nibble << 4
                half = None
            if length >= 15:
                length -= 15
                if length < 255:
                    out.append(length)
                else:
                    out.append(255)
                    length += 7 + 15
                    assert length < (1 << 16)
                    out += struct.pack("<H", length)
        push_flag(1)
        for p in range(pos, pos + n):
            insert(p)
        pos += n
    free = 32 - flag_count
    flags = ((flags << free) | ((1 << free) - 1)) & 0xFFFFFFFF
    out[flag_pos:flag_pos + 4] = struct.pack("<I", flags)
    return bytes(out)


def inputs():
    rnd = random.Random(20261127)
    words = [b"the ", b"mailbox ", b"folder ", b"Subject: ", b"From: ", b"Contoso ", b"RopQueryRows ",
             b"PidTagDisplayName ", b"\r\n", b"alice@contoso.com ", b"0x0000 ", b"Exchange "]
    text = bytearray()
    while len(text) < 6000:
        text += rnd.choice(words) if rnd.random() < 0.8 else str(rnd.randrange(100000)).encode() + b" "
    yield "text", bytes(text[:6000])

    runs = bytearray()
    for n in [1, 2, 3, 4, 9, 10, 11, 24, 25, 26, 279, 280, 281, 300, 1000, 2]:
        runs += bytes([rnd.randrange(256)]) * n
    yield "runs", bytes(runs)

    yield "random", bytes(rnd.randrange(256) for _ in range(1024))

    block = bytes(rnd.randrange(256) for _ in range(700))
    long_match = bytearray(block)
    long_match += bytes(rnd.randrange(256) for _ in range(50))
    long_match += block  # distance 750, length 700: the u16 length form
    long_match += block[:300] * 5  # period 300: overlapping long copy
    long_match += b"x" * 5000  # distance 1, length > 280
    yield "long_match", bytes(long_match)

    nib = bytearray(b"0123456789abcdefghijklmnopqrstuvwxyz")
    for i in range(200):
        # Matches of 10..24 bytes (the nibble forms) alternating with literals.
        k = 10 + (i % 15)
        start = rnd.randrange(0, len(nib) - k)
        nib += nib[start:start + k] + bytes([rnd.randrange(256)])
    yield "shared_nibble", bytes(nib)

    full = bytearray()
    while len(full) < 32768:
        r = rnd.random()
        if r < 0.5:
            full += rnd.choice(words)
        elif r < 0.7 and len(full) > 100:
            s = rnd.randrange(max(0, len(full) - 9000), len(full) - 10)
            full += full[s:s + rnd.randrange(3, 400)]
        elif r < 0.8:
            full += bytes([rnd.randrange(256)]) * rnd.randrange(1, 600)
        else:
            full += bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 30)))
    yield "full_32k", bytes(full[:32768])

    yield "tiny", b"abc"
    yield "ms_xca_alphabet", b"abcdefghijklmnopqrstuvwxyz"
    yield "ms_xca_abc300", b"abc" * 100


def check_one(plain: bytes, packed: bytes, what: str):
    got = bytes(xpress_lz77.lz77_plain_decompress_py(packed))
    if got != plain:
        sys.exit(f"{what}: xpress-lz77 decompresses to {len(got)} bytes that differ from the plain input")


def main():
    check_only = "--check" in sys.argv[1:]
    os.makedirs(OUT, exist_ok=True)
    if not check_only:
        for name, plain in inputs():
            packed = compress(plain)
            check_one(plain, packed, name)
            with open(os.path.join(OUT, name + ".bin"), "wb") as f:
                f.write(plain)
            with open(os.path.join(OUT, name + ".py.lz77"), "wb") as f:
                f.write(packed)
            print(f"{name}: {len(plain)} -> {len(packed)} bytes")
    checked = 0
    for fn in sorted(os.listdir(OUT)):
        if not fn.endswith(".lz77"):
            continue
        name = fn.split(".")[0]
        with open(os.path.join(OUT, name + ".bin"), "rb") as f:
            plain = f.read()
        with open(os.path.join(OUT, fn), "rb") as f:
            packed = f.read()
        check_one(plain, packed, fn)
        checked += 1
    print(f"{checked} compressed vectors verified with xpress-lz77")
    # The two [MS-XCA] 3.1 examples, as a check of this script's encoder itself.
    assert compress(b"abcdefghijklmnopqrstuvwxyz") == bytes.fromhex("3f000000") + b"abcdefghijklmnopqrstuvwxyz"
    assert compress(b"abc" * 100) == bytes.fromhex("ffffff1f61626317000fff2601")


if __name__ == "__main__":
    main()
