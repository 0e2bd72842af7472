#!/usr/bin/env python3
"""Writes the committed fuzz seeds (fuzz/seeds/<target>/) from the test vectors.

Run from anywhere: python3 fuzz/seeds/make_seeds.py. Deterministic. Sources: tests/golden/*.hex (bodies,
RopBuffers, ROP payloads, auxiliary buffers), tests/lz77/vectors (compressed streams), and small
captures in every format built here around the golden Connect and Execute exchanges (pcap, pcapng with
segmented TCP and a chunked PENDING response, HAR, SAZ, raw HTTP, bare hex/base64 bodies, Autodiscover
POX). Every seed is small (the whole set stays under a few hundred KB); `cargo xtask fuzz` feeds them
to libFuzzer beside the (uncommitted) working corpus in fuzz/corpus/<target>/.
"""
import base64, io, json, os, re, shutil, struct, zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
GOLDEN = os.path.join(ROOT, "tests", "golden")
LZ77 = os.path.join(ROOT, "tests", "lz77", "vectors")

TYPES = ["Connect", "Execute", "Disconnect", "NotificationWait", "PING", "Bind", "Unbind", "CompareMIds",
         "DnToMId", "GetMatches", "GetPropList", "GetProps", "GetSpecialTable", "GetTemplateInfo", "ModLinkAtt",
         "ModProps", "QueryRows", "QueryColumns", "ResolveNames", "ResortRestriction", "SeekEntries",
         "UpdateStat", "GetMailboxUrl", "GetAddressBookUrl"]
TYPE_INDEX = {t.lower(): i for i, t in enumerate(TYPES)}
MAX_SEED = 24 * 1024


def parse_hex(text):
    out = bytearray()
    for line in text.splitlines():
        line = line.lstrip()
        if line.startswith('"'):
            lit, i = line[1:], 0
            while i < len(lit):
                ch = lit[i]
                if ch == '"':
                    break
                if ch == '\\' and i + 1 < len(lit):
                    i += 1
                    out += {'r': b'\r', 'n': b'\n'}.get(lit[i], lit[i].encode('latin-1'))
                else:
                    out += ch.encode('latin-1')
                i += 1
            continue
        for tok in line.split('#')[0].split():
            if re.fullmatch(r'[0-9a-fA-F]{2}', tok):
                out.append(int(tok, 16))
    return bytes(out)


def vectors():
    """(stem, type, request bytes or None, response bytes or None), sorted."""
    found = {}
    for name in sorted(os.listdir(GOLDEN)):
        m = re.fullmatch(r'(.+)\.([A-Za-z]+)\.(req|resp)\.hex', name)
        if not m:
            continue
        stem, ty, side = m.groups()
        with open(os.path.join(GOLDEN, name)) as f:
            data = parse_hex(f.read())
        v = found.setdefault(stem, [stem, ty, None, None])
        v[2 if side == 'req' else 3] = data
    return [tuple(v) for _, v in sorted(found.items())]


def binary_part(resp):
    """A response body after its meta-tag text (ends at the first empty line)."""
    i = resp.find(b'\r\n\r\n')
    return resp[i + 4:] if i >= 0 else resp


def u32(b, at):
    return struct.unpack_from('<I', b, at)[0] if at + 4 <= len(b) else None


def execute_buffers(req, resp):
    """(request RopBuffer, request aux, response RopBuffer, response aux) of an Execute pair."""
    out = [None, None, None, None]
    if req and len(req) >= 8:
        n = u32(req, 4)
        if n is not None and 8 + n <= len(req):
            out[0] = req[8:8 + n]
            at = 8 + n + 4
            a = u32(req, at)
            if a is not None and at + 4 + a <= len(req):
                out[1] = req[at + 4:at + 4 + a]
    if resp:
        b = binary_part(resp)
        n = u32(b, 12)
        if n is not None and 16 + n <= len(b):
            out[2] = b[16:16 + n]
            a = u32(b, 16 + n)
            if a is not None and 20 + n + a <= len(b):
                out[3] = b[20 + n:20 + n + a]
    return out


def plain_payloads(buf):
    """The payloads of a RopBuffer's RPC_HEADER_EXT units, XOR undone; compressed ones skipped."""
    out, at = [], 0
    while buf and at + 8 <= len(buf):
        _ver, flags, size, _actual = struct.unpack_from('<HHHH', buf, at)
        p = buf[at + 8:at + 8 + size]
        if flags & 2:
            p = bytes(x ^ 0xA5 for x in p)
        if not flags & 1:
            out.append(p)
        at += 8 + size
        if flags & 4:
            break
    return out


# ----- small captures ---------------------------------------------------------------------------

CLIENT, SERVER = (bytes([10, 0, 0, 5]), 50123), (bytes([10, 0, 0, 1]), 443 - 443 + 80)


def http_request(ty, body, path='/mapi/emsmdb/?MailboxId=user@contoso.com'):
    head = (f'POST {path} HTTP/1.1\r\nHost: mail.contoso.com\r\nContent-Type: application/mapi-http\r\n'
            f'X-RequestType: {ty}\r\nX-RequestId: {{4E6E0B1D-2BE3-4CF2-9A4F-0D4A0B8C6B5C}}:1\r\n'
            f'X-ClientInfo: {{2D9A7A8E-4B8C-4E4B-9D57-5A0C3F0E2A11}}:1\r\nCookie: MapiContext=abc; MapiSequence=1\r\n'
            f'Content-Length: {len(body)}\r\n\r\n').encode()
    return head + body


def http_response(body, chunked=True):
    if not chunked:
        return (f'HTTP/1.1 200 OK\r\nContent-Type: application/mapi-http\r\nX-ResponseCode: 0\r\n'
                f'Content-Length: {len(body)}\r\n\r\n').encode() + body
    head = (b'HTTP/1.1 200 OK\r\nContent-Type: application/mapi-http\r\nTransfer-Encoding: chunked\r\n'
            b'X-ResponseCode: 0\r\nSet-Cookie: MapiContext=abc; path=/mapi/\r\nX-PendingPeriod: 15000\r\n\r\n')
    out, pieces = bytearray(head), []
    i = body.find(b'\r\n')
    pieces = [body[:i + 2], body[i + 2:]] if 0 <= i < len(body) - 2 else [body]
    for p in pieces:
        out += b'%x\r\n' % len(p) + p + b'\r\n'
    out += b'0\r\n\r\n'
    return bytes(out)


def checksum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def frame(src, dst, seq, ack, flags, payload):
    tcp = struct.pack('!HHIIBBHHH', src[1], dst[1], seq, ack, 5 << 4, flags, 65535, 0, 0) + payload
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(tcp), 1, 0x4000, 64, 6, 0, src[0], dst[0])
    ip = ip[:10] + struct.pack('!H', checksum(ip)) + ip[12:]
    eth = b'\x00\x15\x5d\x01\x02\x03' + b'\x00\x15\x5d\x04\x05\x06' + b'\x08\x00'
    return eth + ip + tcp


def flow(exchanges, seg=700):
    """Ethernet frames of one TCP connection carrying (request, response) pairs, segmented."""
    frames, t = [], 1_700_000_000.0
    cs, ss = 1000, 5000
    frames.append((t, frame(CLIENT, SERVER, cs, 0, 0x02, b''))); cs += 1
    frames.append((t + 0.001, frame(SERVER, CLIENT, ss, cs, 0x12, b''))); ss += 1
    frames.append((t + 0.002, frame(CLIENT, SERVER, cs, ss, 0x10, b'')))
    t += 0.01
    for req, resp in exchanges:
        for i in range(0, len(req), seg):
            frames.append((t, frame(CLIENT, SERVER, cs, ss, 0x18, req[i:i + seg]))); cs += len(req[i:i + seg]); t += 0.001
        for i in range(0, len(resp), seg):
            frames.append((t, frame(SERVER, CLIENT, ss, cs, 0x18, resp[i:i + seg]))); ss += len(resp[i:i + seg]); t += 0.002
    frames.append((t, frame(CLIENT, SERVER, cs, ss, 0x11, b'')))
    frames.append((t + 0.001, frame(SERVER, CLIENT, ss, cs + 1, 0x11, b'')))
    return frames


def pcap(frames):
    out = bytearray(struct.pack('<IHHiIII', 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    for t, f in frames:
        out += struct.pack('<IIII', int(t), int((t % 1) * 1e6), len(f), len(f)) + f
    return bytes(out)


def pcapng(frames):
    def block(ty, body):
        body += b'\0' * (-len(body) % 4)
        n = 12 + len(body)
        return struct.pack('<II', ty, n) + body + struct.pack('<I', n)
    out = bytearray(block(0x0A0D0D0A, struct.pack('<IHHq', 0x1A2B3C4D, 1, 0, -1)))
    out += block(1, struct.pack('<HHI', 1, 0, 65535) + struct.pack('<HHB', 9, 1, 6) + b'\0' * 3 + b'\0' * 4)
    for t, f in frames:
        us = int(t * 1e6)
        out += block(6, struct.pack('<IIIII', 0, us >> 32, us & 0xFFFFFFFF, len(f), len(f)) + f)
    return bytes(out)


def har(exchanges):
    entries = []
    for ty, req, resp in exchanges:
        entries.append({
            "startedDateTime": "2024-03-01T09:00:00.000Z", "time": 12,
            "request": {"method": "POST", "url": "https://mail.contoso.com/mapi/emsmdb/?MailboxId=u@contoso.com",
                        "httpVersion": "HTTP/1.1",
                        "headers": [{"name": "X-RequestType", "value": ty},
                                    {"name": "Content-Type", "value": "application/mapi-http"},
                                    {"name": "X-ClientInfo", "value": "{2D9A7A8E-4B8C-4E4B-9D57-5A0C3F0E2A11}:1"}],
                        "postData": {"mimeType": "application/mapi-http", "text": base64.b64encode(req).decode(),
                                     "encoding": "base64"}},
            "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1",
                         "headers": [{"name": "X-ResponseCode", "value": "0"},
                                     {"name": "Set-Cookie", "value": "MapiContext=abc"}],
                         "content": {"size": len(resp), "mimeType": "application/mapi-http",
                                     "text": base64.b64encode(resp).decode(), "encoding": "base64"}},
            "timings": {"send": 1, "wait": 10, "receive": 1}})
    return json.dumps({"log": {"version": "1.2", "creator": {"name": "seed", "version": "1"}, "entries": entries}},
                      indent=1).encode()


def saz(exchanges):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w', zipfile.ZIP_DEFLATED) as z:
        for n, (req, resp) in enumerate(exchanges, 1):
            z.writestr(f'raw/{n:02}_c.txt', req)
            z.writestr(f'raw/{n:02}_s.txt', resp)
            z.writestr(f'raw/{n:02}_m.xml', (
                '<?xml version="1.0" encoding="utf-8"?><Session SID="%d"><SessionTimers '
                'ClientBeginRequest="2024-03-01T09:00:0%d.1000000+00:00" ServerBeginResponse="2024-03-01T09:00:0%d.2000000+00:00" '
                'ClientDoneResponse="2024-03-01T09:00:0%d.3000000+00:00"/><SessionFlags>'
                '<SessionFlag N="x-clientip" V="10.0.0.5"/><SessionFlag N="x-clientport" V="50123"/>'
                '<SessionFlag N="x-hostip" V="10.0.0.1"/></SessionFlags></Session>' % (n, n, n, n)).encode())
    return buf.getvalue()


AUTODISCOVER_REQ = (b'<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/'
                    b'autodiscover/outlook/requestschema/2006"><Request><EMailAddress>user@contoso.com</EMailAddress>'
                    b'<AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a'
                    b'</AcceptableResponseSchema></Request></Autodiscover>')
AUTODISCOVER_RESP = (b'<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/'
                     b'autodiscover/responseschema/2006"><Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/'
                     b'outlook/responseschema/2006a"><User><DisplayName>User</DisplayName></User><Account><AccountType>email'
                     b'</AccountType><Action>settings</Action><Protocol Type="mapiHttp" Version="1"><MailStore>'
                     b'<InternalUrl>https://mail.contoso.com/mapi/emsmdb/?MailboxId=u@contoso.com</InternalUrl>'
                     b'<ExternalUrl>https://mail.contoso.com/mapi/emsmdb/?MailboxId=u@contoso.com</ExternalUrl></MailStore>'
                     b'<AddressBook><InternalUrl>https://mail.contoso.com/mapi/nspi/?MailboxId=u@contoso.com</InternalUrl>'
                     b'<ExternalUrl>https://mail.contoso.com/mapi/nspi/?MailboxId=u@contoso.com</ExternalUrl></AddressBook>'
                     b'</Protocol></Account></Response></Autodiscover>')


def main():
    seeds = {}

    def put(target, name, data):
        if data is not None and len(data) <= MAX_SEED:
            seeds.setdefault(target, {})[name] = bytes(data)

    vs = vectors()
    for stem, ty, req, resp in vs:
        t = TYPE_INDEX[ty.lower()]
        put('decode_body', f'{stem}.req', req and bytes([t]) + req)
        put('decode_body', f'{stem}.resp', resp and bytes([t | 0x80]) + resp)
        put('capture_bare_body', f'{stem}.req.hex', req and bytes([t]) + req.hex(' ').encode())
        put('capture_bare_body', f'{stem}.resp.b64', resp and bytes([t | 0x80]) + base64.b64encode(resp))
        if ty == 'Execute':
            rq = req or b''
            put('execute_pair', stem, struct.pack('<H', len(rq)) + rq + (resp or b''))
            rb_req, aux_req, rb_resp, aux_resp = execute_buffers(req, resp)
            put('rpc_ext', f'{stem}.req', rb_req and b'\0' + rb_req)
            put('rpc_ext', f'{stem}.resp', rb_resp and b'\1' + rb_resp)
            put('rpc_ext', f'{stem}.auxreq', aux_req and b'\2' + aux_req)
            put('rpc_ext', f'{stem}.auxresp', aux_resp and b'\2' + aux_resp)
            pq, pr = plain_payloads(rb_req or b''), plain_payloads(rb_resp or b'')
            if pq or pr:
                a, b = (pq[0] if pq else b''), (pr[0] if pr else b'')
                pair = struct.pack('<H', len(a)) + a + b
                put('rops_list', stem, pair)
                put('rops_session', stem, pair)
    for name in sorted(os.listdir(LZ77)):
        if name.endswith('.lz77'):
            with open(os.path.join(LZ77, name), 'rb') as f:
                data = f.read()
            with open(os.path.join(LZ77, name.split('.')[0] + '.bin'), 'rb') as f:
                plain_len = len(f.read())
            put('lz77', name, struct.pack('<H', min(plain_len, 0xFFFF)) + data)

    by = {stem: (ty, req, resp) for stem, ty, req, resp in vs}
    picks = [('Connect', 'connect'), ('Execute', 'execute_compressed'), ('Execute', 'spec_oxctabl_query_rows_sort_table'),
             ('NotificationWait', 'notificationwait'), ('Bind', 'bind'), ('QueryRows', 'queryrows')]
    http_pairs, typed = [], []
    for ty, stem in picks:
        _, req, resp = by[stem]
        path = '/mapi/nspi/?MailboxId=u@contoso.com' if ty in ('Bind', 'QueryRows') else '/mapi/emsmdb/?MailboxId=u@contoso.com'
        http_pairs.append((http_request(ty, req or b'', path), http_response(resp or b'', chunked=ty != 'Bind')))
        typed.append((ty, req or b'', resp or b''))
    ad = (b'POST /autodiscover/autodiscover.xml HTTP/1.1\r\nHost: autodiscover.contoso.com\r\nX-MapiHttpCapability: 1\r\n'
          b'Content-Type: text/xml\r\nContent-Length: %d\r\n\r\n' % len(AUTODISCOVER_REQ) + AUTODISCOVER_REQ,
          b'HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: %d\r\n\r\n' % len(AUTODISCOVER_RESP)
          + AUTODISCOVER_RESP)
    small = http_pairs[:2]
    for n, group in (('connect_execute', small), ('nspi', http_pairs[4:]), ('autodiscover', [ad])):
        frames = flow(group)
        put('capture_pcap', n, pcap(frames))
        put('capture_pcapng', n, pcapng(frames))
        put('capture_sniff', n + '.pcap', pcap(frames))
        raw = b''.join(q + s for q, s in group)
        put('capture_raw_http', n, raw)
        put('capture_saz', n, saz(group))
        put('capture_sniff', n + '.saz', saz(group))
        put('capture_sniff', n + '.txt', raw)
        client, server = b''.join(q for q, _ in group), b''.join(s for _, s in group)
        put('http', n, struct.pack('<H', len(client)) + client + server)
    frames = flow(http_pairs[2:4], seg=300)
    put('capture_pcapng', 'pending_segmented', pcapng(frames))
    with open(os.path.join(ROOT, 'tests', 'samples', 'outlook.pcapng'), 'rb') as f:
        put('capture_pcapng', 'outlook_first_16k', f.read(16 * 1024))
    put('capture_har', 'connect_execute', har(typed[:2]))
    put('capture_har', 'nspi', har(typed[4:]))
    put('capture_sniff', 'connect_execute.har', har(typed[:2]))
    gz = (b'HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 31\r\n\r\n'
          b'\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xcbH\xcd\xc9\xc9W(\xcf/\xcaI\x01\x00\x85\x11J\r\x0b\x00\x00\x00')
    put('http', 'gzip_continue', struct.pack('<H', 0) + b'HTTP/1.1 100 Continue\r\n\r\n' + gz)
    put('autodiscover', 'pox', struct.pack('<H', len(AUTODISCOVER_REQ)) + AUTODISCOVER_REQ + AUTODISCOVER_RESP)

    for target, files in seeds.items():
        d = os.path.join(HERE, target)
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        for name, data in files.items():
            with open(os.path.join(d, name), 'wb') as f:
                f.write(data)
    total = sum(len(x) for files in seeds.values() for x in files.values())
    print(f'{sum(len(f) for f in seeds.values())} seeds for {len(seeds)} targets, {total} bytes')


if __name__ == '__main__':
    main()
