//! Tests of the address book bodies: a hand-built request and success response for every request
//! type (decoded through the public entry points), every property type, standard and flagged rows,
//! nested restrictions, entry ids, truncation sweeps and hostile counts.

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use crate::display::display_line;
use crate::mapihttp::RequestType as T;
use crate::{decode_request, decode_response, Dissection, Severity};

/// The text prefix of a finished response ([MS-OXCMAPIHTTP] 2.2.7, 2.2.2.2).
const META: &[u8] = b"PROCESSING\r\nDONE\r\nX-ResponseCode: 0\r\n\r\n";

/// Little-endian byte builder.
#[derive(Clone, Default)]
struct W(Vec<u8>);

impl W {
    fn new() -> Self {
        W(Vec::new())
    }
    fn u8(mut self, v: u8) -> Self {
        self.0.push(v);
        self
    }
    fn u16(mut self, v: u16) -> Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    fn u32(mut self, v: u32) -> Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    fn i32(self, v: i32) -> Self {
        self.u32(v as u32)
    }
    fn u64(mut self, v: u64) -> Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    fn f32(mut self, v: f32) -> Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    fn f64(mut self, v: f64) -> Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    fn raw(mut self, b: &[u8]) -> Self {
        self.0.extend_from_slice(b);
        self
    }
    /// A null-terminated 8-bit string.
    fn s8(self, s: &str) -> Self {
        self.raw(s.as_bytes()).u8(0)
    }
    /// A null-terminated UTF-16LE string.
    fn s16(mut self, s: &str) -> Self {
        for u in s.encode_utf16() {
            self.0.extend_from_slice(&u.to_le_bytes());
        }
        self.u16(0)
    }
    /// HasState TRUE and the [MS-OXNSPI] section 4 example STAT (CodePage 0x4E4, locales 0x409).
    fn state(self) -> Self {
        self.u8(0xFF).u32(0).u32(0).u32(0).i32(0).u32(0).u32(0).u32(0x4E4).u32(0x409).u32(0x409)
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}

/// A request body: the type-specific fields and an empty auxiliary buffer.
fn req(w: W) -> Vec<u8> {
    w.u32(0).0
}

/// A bare success response body: StatusCode 0, ErrorCode `ec`, the fields, an empty auxiliary buffer.
fn resp_ec(ec: u32, w: W) -> Vec<u8> {
    W::new().u32(0).u32(ec).raw(&w.0).u32(0).0
}

fn resp(w: W) -> Vec<u8> {
    resp_ec(0, w)
}

/// The response body with its meta-tag prefix.
fn meta(body: &[u8]) -> Vec<u8> {
    let mut v = META.to_vec();
    v.extend_from_slice(body);
    v
}

/// Offset of a response middle field in a `meta(resp(..))` body.
const RESP_MID: u32 = META.len() as u32 + 8;

const GUID_NSPI: [u8; 16] = [0xDC, 0xA7, 0x40, 0xC8, 0xC0, 0x42, 0x10, 0x1A, 0xB4, 0xB9, 0x08, 0x00, 0x2B, 0x2F, 0xE1, 0x82];
const SERVER_GUID: [u8; 16] = [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x10];

fn ephemeral(mid: u32) -> Vec<u8> {
    W::new().raw(&[0x87, 0, 0, 0]).raw(&SERVER_GUID).u32(1).u32(0).u32(mid).0
}

fn permanent(dn: &str) -> Vec<u8> {
    W::new().raw(&[0, 0, 0, 0]).raw(&GUID_NSPI).u32(1).u32(0).s8(dn).0
}

/// Decodes a request body through the public entry point (detached from the buffer).
fn rq(t: T, b: impl AsRef<[u8]>) -> Dissection<'static> {
    decode_request(t, b.as_ref()).into_owned()
}

/// Decodes a response body through the public entry point (detached from the buffer).
fn rs(t: T, b: impl AsRef<[u8]>) -> Dissection<'static> {
    decode_response(t, b.as_ref()).into_owned()
}

fn clean(d: &Dissection<'_>) {
    assert!(d.diagnostics.is_empty(), "unexpected diagnostics: {:#?}", d.diagnostics);
}

fn line(d: &Dissection<'_>, key: &str) -> String {
    let (_, n) = d.find(key).unwrap_or_else(|| panic!("no node {key}"));
    display_line(d, n)
}

fn lines(d: &Dissection<'_>, key: &str) -> Vec<String> {
    d.find_all(key).map(|(_, n)| display_line(d, n)).collect()
}

fn span(d: &Dissection<'_>, key: &str) -> (u32, u32) {
    let (_, n) = d.find(key).unwrap_or_else(|| panic!("no node {key}"));
    (n.offset, n.length)
}

fn has_error(d: &Dissection<'_>) -> bool {
    d.diagnostics.iter().any(|x| x.severity == Severity::Error)
}

fn stat_lines(d: &Dissection<'_>) {
    assert_eq!(line(d, "mapihttp.nspi.hasstate"), "HasState: True");
    assert_eq!(line(d, "mapihttp.nspi.stat.sorttype"), "SortType: SortTypeDisplayName (0x00000000)");
    assert_eq!(line(d, "mapihttp.nspi.stat.containerid"), "ContainerID: 0x00000000");
    assert_eq!(line(d, "mapihttp.nspi.stat.currentrec"), "CurrentRec: 0x00000000 (MID_BEGINNING_OF_TABLE)");
    assert_eq!(line(d, "mapihttp.nspi.stat.delta"), "Delta: 0");
    assert_eq!(line(d, "mapihttp.nspi.stat.numpos"), "NumPos: 0");
    assert_eq!(line(d, "mapihttp.nspi.stat.totalrecs"), "TotalRecs: 0");
    assert_eq!(line(d, "mapihttp.nspi.stat.codepage"), "CodePage: Western European (Windows) (0x000004E4)");
    assert_eq!(line(d, "mapihttp.nspi.stat.templatelocale"), "TemplateLocale: 0x00000409");
    assert_eq!(line(d, "mapihttp.nspi.stat.sortlocale"), "SortLocale: 0x00000409");
}

// ----- vectors -------------------------------------------------------------------------------

fn bind_req() -> Vec<u8> {
    req(W::new().u32(0x20).state())
}
fn bind_resp() -> Vec<u8> {
    resp(W::new().raw(&SERVER_GUID))
}
fn unbind_req() -> Vec<u8> {
    req(W::new().u32(0))
}
fn unbind_resp() -> Vec<u8> {
    resp_ec(1, W::new())
}
fn comparemids_req() -> Vec<u8> {
    req(W::new().u32(0).u8(0).u32(0x1234).u32(0x5678))
}
fn comparemids_resp() -> Vec<u8> {
    resp(W::new().i32(-1))
}
fn dntomid_req() -> Vec<u8> {
    req(W::new().u32(0).u8(0xFF).u32(2).s8("/o=Contoso/ou=Exchange/cn=Recipients/cn=alice").s8("/o=Contoso/cn=bob"))
}
fn dntomid_resp() -> Vec<u8> {
    resp(W::new().u8(0xFF).u32(2).u32(0x0000_1234).u32(0))
}

/// And(3) { Content(FL_SUBSTRING, FL_IGNORECASE, DisplayName ~ "ali"),
///          Property(RELOP_EQ, DisplayType == 0),
///          Not(Or(2) { Exist(0x39FE001F), BitMask(BMR_NEZ, 0x0FFE0003 & 1) }) }
fn filter() -> W {
    W::new()
        .u8(0x00)
        .u32(3)
        .u8(0x03)
        .u16(0x0001)
        .u16(0x0001)
        .u32(0x3001_001F)
        .u32(0x3001_001F)
        .s16("ali")
        .u8(0x04)
        .u8(0x04)
        .u32(0x3900_0003)
        .u32(0x3900_0003)
        .u32(0)
        .u8(0x02)
        .u8(0x01)
        .u32(2)
        .u8(0x08)
        .u32(0x39FE_001F)
        .u8(0x06)
        .u8(0x01)
        .u32(0x0FFE_0003)
        .u32(1)
}

fn getmatches_req() -> Vec<u8> {
    req(W::new()
        .u32(0)
        .state()
        .u8(0xFF)
        .u32(1)
        .u32(0x0000_1234)
        .u32(0)
        .u8(0xFF)
        .raw(&filter().0)
        .u8(0xFF)
        .raw(&SERVER_GUID)
        .u32(0x8001)
        .u32(50)
        .u8(0xFF)
        .u32(2)
        .u32(0x3001_001F)
        .u32(0x3900_0003))
}

/// Columns DisplayName (PtypString), EntryId (PtypBinary), DisplayType (PtypInteger32), a named
/// PtypString8; a standard row and a flagged row.
fn getmatches_resp() -> Vec<u8> {
    let eid = ephemeral(0x1234);
    resp(W::new()
        .state()
        .u8(0xFF)
        .u32(2)
        .u32(0x1234)
        .u32(0x1235)
        .u8(0xFF)
        .u32(4)
        .u32(0x3001_001F)
        .u32(0x0FFF_0102)
        .u32(0x3900_0003)
        .u32(0x8008_001E)
        .u32(2)
        // standard row
        .u8(0x00)
        .u8(0xFF)
        .s16("Alice")
        .u8(0xFF)
        .u32(eid.len() as u32)
        .raw(&eid)
        .u32(0)
        .u8(0xFF)
        .s8("x")
        // flagged row
        .u8(0x01)
        .u8(0x00)
        .u8(0xFF)
        .s16("Bob")
        .u8(0x0A)
        .u32(0x8004_010F)
        .u8(0x01)
        .u8(0x00)
        .u8(0x00))
}

fn getproplist_req() -> Vec<u8> {
    req(W::new().u32(0x1).u32(0x1234).u32(1252))
}
fn getproplist_resp() -> Vec<u8> {
    resp(W::new().u8(0xFF).u32(3).u32(0x3001_001F).u32(0x39FE_001F).u32(0x8005_0003))
}
fn getprops_req() -> Vec<u8> {
    req(W::new().u32(0x2).state().u8(0xFF).u32(2).u32(0x3001_001F).u32(0x0FFF_0102))
}

/// An AddressBookPropertyValueList with a value of every property type.
fn all_types() -> W {
    let pe = permanent("/o=Contoso/cn=Recipients/cn=alice");
    let guid = SERVER_GUID;
    W::new()
        .u32(33)
        .u32(0x6000_0001) // PtypNull
        .u32(0x6001_0002)
        .u16(0xFFFE) // -2
        .u32(0x6002_0003)
        .i32(42)
        .u32(0x6003_0004)
        .f32(1.5)
        .u32(0x6004_0005)
        .f64(2.25)
        .u32(0x6005_0006)
        .u64(12_345_678)
        .u32(0x6006_0007)
        .f64(1.5)
        .u32(0x6007_000A)
        .u32(0x8004_010F)
        .u32(0x6008_000B)
        .u8(1)
        .u32(0x6009_0014)
        .u64((-5i64) as u64)
        .u32(0x600A_001E)
        .u8(0xFF)
        .s8("abc")
        .u32(0x600B_001F)
        .u8(0xFF)
        .s16("Zoë")
        .u32(0x600C_0040)
        .u64(116_444_736_000_000_000)
        .u32(0x600D_0048)
        .raw(&guid)
        .u32(0x600E_0102)
        .u8(0xFF)
        .u32(3)
        .raw(&[1, 2, 3])
        .u32(0x0FFF_0102)
        .u8(0xFF)
        .u32(pe.len() as u32)
        .raw(&pe)
        .u32(0x600F_00FB)
        .u16(3)
        .raw(&[1, 2, 3])
        .u32(0x6010_000D)
        .u32(2)
        .raw(&[9, 9])
        .u32(0x6011_00FD)
        .u8(0x08)
        .u32(0x3001_001F)
        .u32(0x6012_1002)
        .u8(0xFF)
        .u32(2)
        .u16(1)
        .u16(2)
        .u32(0x6013_1003)
        .u8(0xFF)
        .u32(1)
        .i32(-7)
        .u32(0x6014_1004)
        .u8(0xFF)
        .u32(1)
        .f32(0.5)
        .u32(0x6015_1005)
        .u8(0xFF)
        .u32(1)
        .f64(0.25)
        .u32(0x6016_1006)
        .u8(0xFF)
        .u32(1)
        .u64(10_000)
        .u32(0x6017_1007)
        .u8(0xFF)
        .u32(1)
        .f64(2.0)
        .u32(0x6018_1014)
        .u8(0xFF)
        .u32(1)
        .u64(7)
        .u32(0x6019_101E)
        .u8(0xFF)
        .u32(2)
        .u8(0xFF)
        .s8("p")
        .u8(0xFF)
        .s8("q")
        .u32(0x601A_101F)
        .u8(0xFF)
        .u32(2)
        .u8(0xFF)
        .s16("r")
        .u8(0x00)
        .u32(0x601B_1040)
        .u8(0xFF)
        .u32(1)
        .u64(116_444_736_000_000_000)
        .u32(0x601C_1048)
        .u8(0xFF)
        .u32(1)
        .raw(&GUID_NSPI)
        .u32(0x601D_1102)
        .u8(0xFF)
        .u32(2)
        .u8(0xFF)
        .u32(2)
        .raw(&[0xAB, 0xCD])
        .u8(0xFF)
        .u32(0)
        .u32(0x601E_001F)
        .u8(0x00) // HasValue FALSE
        .u32(0x601F_1003)
        .u8(0x00) // HasValue FALSE on a multiple type
}

fn getprops_resp() -> Vec<u8> {
    resp(W::new().u32(0x4E4).u8(0xFF).raw(&all_types().0))
}
fn getspecialtable_req() -> Vec<u8> {
    req(W::new().u32(0x4).state().u8(0xFF).u32(3))
}
fn getspecialtable_resp() -> Vec<u8> {
    resp(W::new()
        .u32(0x4E4)
        .u8(0)
        .u8(0xFF)
        .u32(2)
        .u32(2)
        .u32(0x3001_001F)
        .u8(0xFF)
        .s16("All Users")
        .u32(0x3600_0003)
        .u32(0xB)
        .u32(1)
        .u32(0x3001_001F)
        .u8(0xFF)
        .s16("GAL"))
}
fn gettemplateinfo_req() -> Vec<u8> {
    req(W::new().u32(0x5).u32(0).u8(0xFF).s8("/o=Contoso/cn=Templates").u32(1252).u32(0x409))
}
fn gettemplateinfo_resp() -> Vec<u8> {
    resp(W::new().u32(1252).u8(0xFF).u32(1).u32(0x0004_0102).u8(0xFF).u32(4).raw(&[1, 2, 3, 4]))
}
fn modlinkatt_req() -> Vec<u8> {
    let e = ephemeral(0x4321);
    let p = permanent("/o=Contoso/cn=bob");
    req(W::new()
        .u32(0x1)
        .u32(0x8009_000D)
        .u32(0x1234)
        .u8(0xFF)
        .u32(2)
        .u32(e.len() as u32)
        .raw(&e)
        .u32(p.len() as u32)
        .raw(&p))
}
fn modlinkatt_resp() -> Vec<u8> {
    resp(W::new())
}
fn modprops_req() -> Vec<u8> {
    req(W::new()
        .u32(0)
        .state()
        .u8(0xFF)
        .u32(1)
        .u32(0x3A08_001F)
        .u8(0xFF)
        .u32(1)
        .u32(0x3A08_001F)
        .u8(0xFF)
        .s16("+1 555 0100"))
}
fn modprops_resp() -> Vec<u8> {
    resp(W::new())
}
fn queryrows_req() -> Vec<u8> {
    req(W::new().u32(0x2).state().u32(2).u32(0x1234).u32(0x1235).u32(10).u8(0xFF).u32(2).u32(0x3001_001F).u32(0x3002_0000))
}
/// Columns DisplayName and a PtypUnspecified column: typed values in both row forms.
fn queryrows_resp() -> Vec<u8> {
    resp(W::new()
        .state()
        .u8(0xFF)
        .u32(2)
        .u32(0x3001_001F)
        .u32(0x3002_0000)
        .u32(2)
        .u8(0x00)
        .u8(0xFF)
        .s16("Carol")
        .u16(0x001F)
        .u8(0xFF)
        .s16("SMTP")
        .u8(0x01)
        .u8(0x00)
        .u8(0xFF)
        .s16("Dave")
        .u16(0x000A)
        .u8(0x0A)
        .u32(0x8004_010F))
}
fn querycolumns_req() -> Vec<u8> {
    req(W::new().u32(0).u32(0x8000_0000))
}
fn querycolumns_resp() -> Vec<u8> {
    resp(W::new().u8(0xFF).u32(2).u32(0x3001_001F).u32(0x3003_001F))
}
fn resolvenames_req() -> Vec<u8> {
    req(W::new().u32(0).state().u8(0xFF).u32(1).u32(0x3001_001F).u8(0xFF).u32(2).s16("alice").s16("nobody"))
}
fn resolvenames_resp() -> Vec<u8> {
    resp(W::new()
        .u32(0x4E4)
        .u8(0xFF)
        .u32(2)
        .u32(0x1234)
        .u32(0)
        .u8(0xFF)
        .u32(1)
        .u32(0x3001_001F)
        .u32(1)
        .u8(0x00)
        .u8(0xFF)
        .s16("Alice"))
}
fn resortrestriction_req() -> Vec<u8> {
    req(W::new().u32(0).state().u8(0xFF).u32(2).u32(0x1235).u32(0x1234))
}
fn resortrestriction_resp() -> Vec<u8> {
    resp(W::new().state().u8(0xFF).u32(2).u32(0x1234).u32(0x1235))
}
fn seekentries_req() -> Vec<u8> {
    req(W::new()
        .u32(0)
        .state()
        .u8(0xFF)
        .u32(0x3001_001F)
        .u8(0xFF)
        .s16("B")
        .u8(0xFF)
        .u32(1)
        .u32(0x1234)
        .u8(0xFF)
        .u32(1)
        .u32(0x3001_001F))
}
fn seekentries_resp() -> Vec<u8> {
    resp(W::new().state().u8(0))
}
fn updatestat_req() -> Vec<u8> {
    req(W::new().u32(0).state().u8(0xFF))
}
fn updatestat_resp() -> Vec<u8> {
    resp(W::new().state().u8(0xFF).i32(-2))
}
fn getmailboxurl_req() -> Vec<u8> {
    req(W::new().u32(0).s16("/o=Contoso/ou=Exchange/cn=Configuration/cn=Servers/cn=mbx1"))
}
fn getmailboxurl_resp() -> Vec<u8> {
    resp(W::new().s16("https://mail.contoso.com/mapi/emsmdb/?MailboxId=a@contoso.com"))
}
fn getaddressbookurl_req() -> Vec<u8> {
    req(W::new().u32(0).s16("/o=Contoso/cn=Recipients/cn=alice"))
}
fn getaddressbookurl_resp() -> Vec<u8> {
    resp(W::new().s16("https://mail.contoso.com/mapi/nspi/?MailboxId=a@contoso.com"))
}

/// Every (request type, request body, response body) vector.
fn vectors() -> Vec<(T, Vec<u8>, Vec<u8>)> {
    vec![
        (T::Bind, bind_req(), bind_resp()),
        (T::Unbind, unbind_req(), unbind_resp()),
        (T::CompareMIds, comparemids_req(), comparemids_resp()),
        (T::DnToMId, dntomid_req(), dntomid_resp()),
        (T::GetMatches, getmatches_req(), getmatches_resp()),
        (T::GetPropList, getproplist_req(), getproplist_resp()),
        (T::GetProps, getprops_req(), getprops_resp()),
        (T::GetSpecialTable, getspecialtable_req(), getspecialtable_resp()),
        (T::GetTemplateInfo, gettemplateinfo_req(), gettemplateinfo_resp()),
        (T::ModLinkAtt, modlinkatt_req(), modlinkatt_resp()),
        (T::ModProps, modprops_req(), modprops_resp()),
        (T::QueryRows, queryrows_req(), queryrows_resp()),
        (T::QueryColumns, querycolumns_req(), querycolumns_resp()),
        (T::ResolveNames, resolvenames_req(), resolvenames_resp()),
        (T::ResortRestriction, resortrestriction_req(), resortrestriction_resp()),
        (T::SeekEntries, seekentries_req(), seekentries_resp()),
        (T::UpdateStat, updatestat_req(), updatestat_resp()),
        (T::GetMailboxUrl, getmailboxurl_req(), getmailboxurl_resp()),
        (T::GetAddressBookUrl, getaddressbookurl_req(), getaddressbookurl_resp()),
    ]
}

// ----- per request type ----------------------------------------------------------------------

#[test]
fn all_vectors_decode_cleanly() {
    let v = vectors();
    assert_eq!(v.len(), 19);
    for (t, qb, sb) in &v {
        let d = rq(*t, qb);
        clean(&d);
        assert_eq!(line(&d, "mapihttp.auxiliarybuffersize"), "AuxiliaryBufferSize: 0 bytes", "{t}");
        let body = meta(sb);
        let d = rs(*t, &body);
        clean(&d);
        assert_eq!(line(&d, "mapihttp.statuscode").split(':').next(), Some("StatusCode"), "{t}");
        let aux = d.find("mapihttp.auxiliarybuffersize").unwrap().1;
        assert_eq!(aux.offset as usize + 4, body.len(), "{t}: the response middle is consumed exactly");
    }
}

#[test]
fn bind() {
    let b = bind_req();
    let d = rq(T::Bind, &b);
    clean(&d);
    assert_eq!(line(&d, "mapihttp.bind.flags"), "Flags: 0x00000020 (fAnonymousLogin)");
    stat_lines(&d);
    assert_eq!(span(&d, "mapihttp.nspi.state"), (5, 36));
    let r = meta(&bind_resp());
    let d = rs(T::Bind, &r);
    clean(&d);
    assert_eq!(line(&d, "mapihttp.bind.serverguid"), "ServerGuid: {04030201-0605-0807-090A-0B0C0D0E0F10}");
    assert_eq!(span(&d, "mapihttp.bind.serverguid"), (RESP_MID, 16));
}

#[test]
fn unbind() {
    let d = rq(T::Unbind, unbind_req());
    clean(&d);
    assert_eq!(line(&d, "mapihttp.nspi.reserved"), "Reserved: 0x00000000");
    let d = rq(T::Unbind, req(W::new().u32(5)));
    assert!(d.diagnostics.iter().any(|x| x.severity == Severity::Note && x.message.contains("Reserved")));
    let r = meta(&unbind_resp());
    let d = rs(T::Unbind, &r);
    clean(&d);
    assert_eq!(line(&d, "mapihttp.errorcode"), "ErrorCode: UnbindSuccess (0x00000001)");
    assert_eq!(span(&d, "mapihttp.auxiliarybuffersize"), (RESP_MID, 4));
}

#[test]
fn compare_mids() {
    let d = rq(T::CompareMIds, comparemids_req());
    clean(&d);
    assert_eq!(line(&d, "mapihttp.nspi.hasstate"), "HasState: False");
    assert!(d.find("mapihttp.nspi.state").is_none());
    assert_eq!(line(&d, "mapihttp.comparemids.minimalid1"), "MinimalId1: 0x00001234");
    assert_eq!(line(&d, "mapihttp.comparemids.minimalid2"), "MinimalId2: 0x00005678");
    assert_eq!(span(&d, "mapihttp.comparemids.minimalid2"), (9, 4));
    let r = meta(&comparemids_resp());
    let d = rs(T::CompareMIds, &r);
    clean(&d);
    assert_eq!(line(&d, "mapihttp.comparemids.result"), "Result: -1");
}

#[test]
fn dn_to_mid() {
    let d = rq(T::DnToMId, dntomid_req());
    clean(&d);
    assert_eq!(line(&d, "mapihttp.nspi.hasnames"), "HasNames: True");
    assert_eq!(line(&d, "mapihttp.nspi.namecount"), "NameCount: 2");
    assert_eq!(
        lines(&d, "mapihttp.dntomid.namevalues"),
        ["NameValues: \"/o=Contoso/ou=Exchange/cn=Recipients/cn=alice\"", "NameValues: \"/o=Contoso/cn=bob\""]
    );
    assert_eq!(span(&d, "mapihttp.dntomid.namevalues"), (9, 46));
    let r = meta(&dntomid_resp());
    let d = rs(T::DnToMId, &r);
    clean(&d);
    assert_eq!(line(&d, "mapihttp.nspi.hasminimalids"), "HasMinimalIds: True");
    assert_eq!(line(&d, "mapihttp.nspi.minimalidcount"), "MinimalIdCount: 2");
    assert_eq!(lines(&d, "mapihttp.nspi.minimalids"), ["MinimalIds: 0x00001234", "MinimalIds: 0x00000000 (MID_UNRESOLVED)"]);
}

#[test]
fn get_matches_request_with_nested_filter() {
    let b = getmatches_req();
    let d = rq(T::GetMatches, &b);
    clean(&d);
    stat_lines(&d);
    assert_eq!(line(&d, "mapihttp.getmatches.interfaceoptionflags"), "InterfaceOptionFlags: 0x00000000");
    assert_eq!(line(&d, "mapihttp.getmatches.hasfilter"), "HasFilter: True");
    let filter_len = filter().len() as u32;
    // Reserved 4, State 37, MinimalIds 1+4+4, InterfaceOptionFlags 4, HasFilter 1.
    assert_eq!(span(&d, "mapihttp.getmatches.filter"), (55, filter_len));
    assert_eq!(span(&d, "mapihttp.nspi.restriction.and"), (55, filter_len));
    assert_eq!(
        lines(&d, "mapihttp.nspi.restriction.restricttype"),
        [
            "RestrictType: AndRestriction (0x00)",
            "RestrictType: ContentRestriction (0x03)",
            "RestrictType: PropertyRestriction (0x04)",
            "RestrictType: NotRestriction (0x02)",
            "RestrictType: OrRestriction (0x01)",
            "RestrictType: ExistRestriction (0x08)",
            "RestrictType: BitMaskRestriction (0x06)",
        ]
    );
    assert_eq!(lines(&d, "mapihttp.nspi.restriction.restrictcount"), ["RestrictCount: 3", "RestrictCount: 2"]);
    assert_eq!(line(&d, "mapihttp.nspi.restriction.fuzzylevellow"), "FuzzyLevelLow: FL_SUBSTRING (0x0001)");
    assert_eq!(line(&d, "mapihttp.nspi.restriction.fuzzylevelhigh"), "FuzzyLevelHigh: 0x0001 (FL_IGNORECASE)");
    assert_eq!(line(&d, "mapihttp.prop.tag"), "PropertyTag: PidTagDisplayName (0x3001001F, PtypString)");
    assert_eq!(
        lines(&d, "mapihttp.nspi.restriction.taggedvalue"),
        [
            "TaggedValue: PidTagDisplayName (0x3001001F, PtypString) = \"ali\"",
            "TaggedValue: PidTagDisplayType (0x39000003, PtypInteger32) = 0",
        ]
    );
    assert_eq!(line(&d, "mapihttp.nspi.restriction.relop"), "RelOp: RELOP_EQ (0x04)");
    assert_eq!(
        lines(&d, "mapihttp.nspi.restriction.proptag"),
        [
            "PropTag: PidTagDisplayType (0x39000003, PtypInteger32)",
            "PropTag: PidTagSmtpAddress (0x39FE001F, PtypString)",
            "PropTag: PidTagObjectType (0x0FFE0003, PtypInteger32)",
        ]
    );
    assert_eq!(line(&d, "mapihttp.nspi.restriction.bitmaprelop"), "BitmapRelOp: BMR_NEZ (0x01)");
    assert_eq!(line(&d, "mapihttp.nspi.restriction.mask"), "Mask: 0x00000001");
    // The Not's Restriction wraps the Or, which nests two levels below the And.
    let (not_i, _) = d.find("mapihttp.nspi.restriction.not").unwrap();
    let (or_i, _) = d.find("mapihttp.nspi.restriction.or").unwrap();
    let wrap = d.children(not_i).nth(1).unwrap();
    assert_eq!(d.node(wrap).unwrap().field.key, "mapihttp.nspi.restriction.restriction");
    assert_eq!(d.children(wrap).next(), Some(or_i));
    assert_eq!(line(&d, "mapihttp.getmatches.haspropertyname"), "HasPropertyName: True");
    assert_eq!(line(&d, "mapihttp.getmatches.propertynameguid"), "PropertyNameGuid: {04030201-0605-0807-090A-0B0C0D0E0F10}");
    assert_eq!(line(&d, "mapihttp.getmatches.propertynameid"), "PropertyNameId: 0x00008001");
    assert_eq!(line(&d, "mapihttp.getmatches.rowcount"), "RowCount: 50");
    assert_eq!(line(&d, "mapihttp.nspi.hascolumns"), "HasColumns: True");
    assert_eq!(line(&d, "mapihttp.nspi.propertytagcount"), "PropertyTagCount: 2");
    assert_eq!(
        lines(&d, "mapihttp.nspi.propertytag"),
        ["PropertyTags: PidTagDisplayName (0x3001001F, PtypString)", "PropertyTags: PidTagDisplayType (0x39000003, PtypInteger32)"]
    );
    // PropertyTag children: PropertyType then PropertyId, 2 bytes each.
    let (ti, tn) = d.find("mapihttp.nspi.propertytag").unwrap();
    let kids: Vec<_> = d.children(ti).map(|k| display_line(&d, d.node(k).unwrap())).collect();
    assert_eq!(kids, ["PropertyType: PtypString (0x001F)", "PropertyId: 0x3001"]);
    assert_eq!(tn.length, 4);
}

#[test]
fn get_matches_response_standard_and_flagged_rows() {
    let r = meta(&getmatches_resp());
    let d = rs(T::GetMatches, &r);
    clean(&d);
    stat_lines(&d);
    assert_eq!(lines(&d, "mapihttp.nspi.minimalids"), ["MinimalIds: 0x00001234", "MinimalIds: 0x00001235"]);
    assert_eq!(line(&d, "mapihttp.nspi.hascolumnsandrows"), "HasColumnsAndRows: True");
    assert_eq!(
        lines(&d, "mapihttp.nspi.propertytag"),
        [
            "PropertyTags: PidTagDisplayName (0x3001001F, PtypString)",
            "PropertyTags: PidTagEntryId (0x0FFF0102, PtypBinary)",
            "PropertyTags: PidTagDisplayType (0x39000003, PtypInteger32)",
            "PropertyTags: 0x8008001E (PtypString8, named property id 0x8008)",
        ]
    );
    assert_eq!(line(&d, "mapihttp.nspi.rowcount"), "RowCount: 2");
    assert_eq!(lines(&d, "mapihttp.nspi.row.flags"), ["Flags: Standard (0x00)", "Flags: Flagged (0x01)"]);
    assert_eq!(
        lines(&d, "mapihttp.nspi.addressbookpropertyvalue"),
        [
            "AddressBookPropertyValue: PidTagDisplayName (0x3001001F, PtypString) = \"Alice\"",
            "AddressBookPropertyValue: PidTagEntryId (0x0FFF0102, PtypBinary) = DT_MAILUSER, MId 0x00001234, server {04030201-0605-0807-090A-0B0C0D0E0F10}",
            "AddressBookPropertyValue: PidTagDisplayType (0x39000003, PtypInteger32) = 0",
            "AddressBookPropertyValue: 0x8008001E (PtypString8, named property id 0x8008) = \"x\"",
        ]
    );
    assert_eq!(
        lines(&d, "mapihttp.nspi.addressbookflaggedpropertyvalue"),
        [
            "AddressBookFlaggedPropertyValue: PidTagDisplayName (0x3001001F, PtypString) = \"Bob\"",
            "AddressBookFlaggedPropertyValue: PidTagEntryId (0x0FFF0102, PtypBinary) = error NotFound (0x8004010F)",
            "AddressBookFlaggedPropertyValue: PidTagDisplayType (0x39000003, PtypInteger32) = (absent)",
            "AddressBookFlaggedPropertyValue: 0x8008001E (PtypString8, named property id 0x8008) = (no value)",
        ]
    );
    assert_eq!(
        lines(&d, "mapihttp.nspi.flag"),
        ["Flag: Present (0x00)", "Flag: Error (0x0A)", "Flag: Absent (0x01)", "Flag: Present (0x00)"]
    );
    assert_eq!(line(&d, "mapihttp.nspi.value.errorcode"), "PropertyValue: NotFound (0x8004010F)");
    // The ephemeral entry id inside the binary value.
    assert_eq!(line(&d, "mapihttp.nspi.entryid.idtype"), "ID Type: EphemeralEntryID (0x87)");
    assert_eq!(line(&d, "mapihttp.nspi.entryid.provideruid"), "ProviderUID: {04030201-0605-0807-090A-0B0C0D0E0F10}");
    assert_eq!(line(&d, "mapihttp.nspi.entryid.r4"), "R4: 0x00000001");
    assert_eq!(line(&d, "mapihttp.nspi.entryid.displaytype"), "Display Type: DT_MAILUSER (0x00000000)");
    assert_eq!(line(&d, "mapihttp.nspi.entryid.mid"), "MId: 0x00001234");
    let (bo, bl) = span(&d, "mapihttp.nspi.value.binary");
    assert_eq!(span(&d, "mapihttp.nspi.ephemeralentryid"), (bo, 32));
    assert_eq!(bl, 32);
    // Spans of the first row: State 37, MinimalIds 1+4+8, HasColumnsAndRows 1, Columns 4+16, RowCount 4.
    let row0 = RESP_MID + 37 + 13 + 1 + 20 + 4;
    assert_eq!(span(&d, "mapihttp.nspi.rowdata").0, row0);
    assert_eq!(span(&d, "mapihttp.nspi.addressbookpropertyrow"), (row0, 1 + (1 + 12) + (1 + 4 + 32) + 4 + (1 + 2)));
    assert_eq!(span(&d, "mapihttp.nspi.value.string"), (row0 + 2, 12));
    assert_eq!(span(&d, "mapihttp.nspi.hasvalue"), (row0 + 1, 1));
}

#[test]
fn get_prop_list() {
    let d = rq(T::GetPropList, getproplist_req());
    clean(&d);
    assert_eq!(line(&d, "mapihttp.getproplist.flags"), "Flags: 0x00000001 (fSkipObjects)");
    assert_eq!(line(&d, "mapihttp.getproplist.minimalid"), "MinimalId: 0x00001234");
    assert_eq!(line(&d, "mapihttp.nspi.codepage"), "CodePage: Western European (Windows) (0x000004E4)");
    let r = meta(&getproplist_resp());
    let d = rs(T::GetPropList, &r);
    clean(&d);
    assert_eq!(line(&d, "mapihttp.nspi.haspropertytags"), "HasPropertyTags: True");
    assert_eq!(span(&d, "mapihttp.nspi.propertytags"), (RESP_MID + 1, 16));
    assert_eq!(lines(&d, "mapihttp.nspi.propertytag").len(), 3);
}

#[test]
fn get_props_every_property_type() {
    let d = rq(T::GetProps, getprops_req());
    clean(&d);
    assert_eq!(line(&d, "mapihttp.getprops.flags"), "Flags: 0x00000002 (fEphID)");
    assert_eq!(lines(&d, "mapihttp.nspi.propertytag").len(), 2);

    let r = meta(&getprops_resp());
    let d = rs(T::GetProps, &r);
    clean(&d);
    assert_eq!(line(&d, "mapihttp.nspi.codepage"), "CodePage: Western European (Windows) (0x000004E4)");
    assert_eq!(line(&d, "mapihttp.nspi.haspropertyvalues"), "HasPropertyValues: True");
    assert_eq!(line(&d, "mapihttp.nspi.propertyvaluecount"), "PropertyValueCount: 33");
    let tagged = lines(&d, "mapihttp.nspi.addressbooktaggedpropertyvalue");
    let expect = [
        "0x60000001 (PtypNull, id 0x6000) = (null)",
        "0x60010002 (PtypInteger16, id 0x6001) = -2",
        "0x60020003 (PtypInteger32, id 0x6002) = 42",
        "0x60030004 (PtypFloating32, id 0x6003) = 1.5",
        "0x60040005 (PtypFloating64, id 0x6004) = 2.25",
        "0x60050006 (PtypCurrency, id 0x6005) = 1234.5678",
        "0x60060007 (PtypFloatingTime, id 0x6006) = 1.5 days",
        "0x6007000A (PtypErrorCode, id 0x6007) = NotFound (0x8004010F)",
        "0x6008000B (PtypBoolean, id 0x6008) = True",
        "0x60090014 (PtypInteger64, id 0x6009) = -5",
        "0x600A001E (PtypString8, id 0x600A) = \"abc\"",
        "0x600B001F (PtypString, id 0x600B) = \"Zoë\"",
        "0x600C0040 (PtypTime, id 0x600C) = 1970-01-01 00:00:00.0000000 UTC",
        "0x600D0048 (PtypGuid, id 0x600D) = {04030201-0605-0807-090A-0B0C0D0E0F10}",
        "0x600E0102 (PtypBinary, id 0x600E) = 010203 (3 bytes)",
        "PidTagEntryId (0x0FFF0102, PtypBinary) = DT_MAILUSER, /o=Contoso/cn=Recipients/cn=alice",
        "0x600F00FB (PtypServerId, id 0x600F) = 010203 (3 bytes)",
        "0x6010000D (PtypObject, id 0x6010) = 0909 (2 bytes)",
        "0x601100FD (PtypRestriction, id 0x6011) = (restriction)",
        "0x60121002 (PtypMultipleInteger16, id 0x6012) = 2 values",
        "0x60131003 (PtypMultipleInteger32, id 0x6013) = 1 values",
        "0x60141004 (PtypMultipleFloating32, id 0x6014) = 1 values",
        "0x60151005 (PtypMultipleFloating64, id 0x6015) = 1 values",
        "0x60161006 (PtypMultipleCurrency, id 0x6016) = 1 values",
        "0x60171007 (PtypMultipleFloatingTime, id 0x6017) = 1 values",
        "0x60181014 (PtypMultipleInteger64, id 0x6018) = 1 values",
        "0x6019101E (PtypMultipleString8, id 0x6019) = 2 values",
        "0x601A101F (PtypMultipleString, id 0x601A) = 2 values",
        "0x601B1040 (PtypMultipleTime, id 0x601B) = 1 values",
        "0x601C1048 (PtypMultipleGuid, id 0x601C) = 1 values",
        "0x601D1102 (PtypMultipleBinary, id 0x601D) = 2 values",
        "0x601E001F (PtypString, id 0x601E) = (no value)",
        "0x601F1003 (PtypMultipleInteger32, id 0x601F) = (no value)",
    ];
    let expect: Vec<String> = expect.iter().map(|e| alloc::format!("AddressBookTaggedPropertyValue: {e}")).collect();
    assert_eq!(tagged, expect);
    // Leaves with their own display.
    assert_eq!(lines(&d, "mapihttp.nspi.value.integer16"), ["PropertyValue: -2", "PropertyValue: 1", "PropertyValue: 2"]);
    assert_eq!(lines(&d, "mapihttp.nspi.value.integer32"), ["PropertyValue: 42", "PropertyValue: -7"]);
    assert_eq!(lines(&d, "mapihttp.nspi.value.floating32"), ["PropertyValue: 1.5", "PropertyValue: 0.5"]);
    assert_eq!(lines(&d, "mapihttp.nspi.value.floating64"), ["PropertyValue: 2.25", "PropertyValue: 0.25"]);
    assert_eq!(lines(&d, "mapihttp.nspi.value.currency"), ["PropertyValue: 12345678", "PropertyValue: 10000"]);
    assert_eq!(lines(&d, "mapihttp.nspi.value.floatingtime"), ["PropertyValue: 1.5", "PropertyValue: 2"]);
    assert_eq!(line(&d, "mapihttp.nspi.value.boolean"), "PropertyValue: True");
    assert_eq!(lines(&d, "mapihttp.nspi.value.integer64"), ["PropertyValue: -5", "PropertyValue: 7"]);
    assert_eq!(lines(&d, "mapihttp.nspi.value.string8"), ["PropertyValue: \"abc\"", "PropertyValue: \"p\"", "PropertyValue: \"q\""]);
    assert_eq!(lines(&d, "mapihttp.nspi.value.string"), ["PropertyValue: \"Zoë\"", "PropertyValue: \"r\""]);
    assert_eq!(
        lines(&d, "mapihttp.nspi.value.time"),
        ["PropertyValue: 1970-01-01 00:00:00.0000000 UTC", "PropertyValue: 1970-01-01 00:00:00.0000000 UTC"]
    );
    assert_eq!(
        lines(&d, "mapihttp.nspi.value.guid"),
        ["PropertyValue: {04030201-0605-0807-090A-0B0C0D0E0F10}", "PropertyValue: {C840A7DC-42C0-1A10-B4B9-08002B2FE182}"]
    );
    assert_eq!(lines(&d, "mapihttp.nspi.value.binary")[0], "PropertyValue: 010203");
    assert_eq!(line(&d, "mapihttp.nspi.value.serverid"), "PropertyValue: 010203");
    assert_eq!(line(&d, "mapihttp.nspi.value.serveridcount"), "Count: 3 bytes");
    assert_eq!(line(&d, "mapihttp.nspi.value.object"), "PropertyValue: 0909");
    assert_eq!(line(&d, "mapihttp.nspi.value.errorcode"), "PropertyValue: NotFound (0x8004010F)");
    // The PtypRestriction value holds an ExistRestriction.
    assert_eq!(line(&d, "mapihttp.nspi.restriction.proptag"), "PropTag: PidTagDisplayName (0x3001001F, PtypString)");
    // The permanent entry id inside PidTagEntryId.
    assert_eq!(line(&d, "mapihttp.nspi.entryid.idtype"), "ID Type: PermanentEntryID (0x00)");
    assert_eq!(line(&d, "mapihttp.nspi.entryid.dn"), "Distinguished Name: \"/o=Contoso/cn=Recipients/cn=alice\"");
    assert_eq!(
        line(&d, "mapihttp.nspi.permanententryid"),
        "PermanentEntryID: DT_MAILUSER, /o=Contoso/cn=Recipients/cn=alice"
    );
    // Multiple-valued: counts, per-element presence bytes, a null element.
    assert_eq!(lines(&d, "mapihttp.nspi.value.multiple").len(), 12);
    let (mi, _) = d.find_all("mapihttp.nspi.value.multiple").find(|(i, _)| {
        d.children(*i).any(|k| d.node(k).unwrap().field.key == "mapihttp.nspi.value.string")
    }).unwrap();
    let kids: Vec<_> = d.children(mi).map(|k| display_line(&d, d.node(k).unwrap())).collect();
    assert_eq!(kids, ["Count: 2", "HasValue: True", "PropertyValue: \"r\"", "HasValue: False"]);
}

#[test]
fn get_special_table() {
    let d = rq(T::GetSpecialTable, getspecialtable_req());
    clean(&d);
    assert_eq!(line(&d, "mapihttp.getspecialtable.flags"), "Flags: 0x00000004 (NspiUnicodeStrings)");
    assert_eq!(line(&d, "mapihttp.getspecialtable.hasversion"), "HasVersion: True");
    assert_eq!(line(&d, "mapihttp.getspecialtable.version"), "Version: 3");
    let r = meta(&getspecialtable_resp());
    let d = rs(T::GetSpecialTable, &r);
    clean(&d);
    assert_eq!(line(&d, "mapihttp.getspecialtable.hasversion"), "HasVersion: False");
    assert!(d.find("mapihttp.getspecialtable.version").is_none());
    assert_eq!(line(&d, "mapihttp.getspecialtable.hasrows"), "HasRows: True");
    assert_eq!(line(&d, "mapihttp.getspecialtable.rowscount"), "RowsCount: 2");
    assert_eq!(lines(&d, "mapihttp.nspi.addressbookpropertyvaluelist").len(), 2);
    assert_eq!(
        lines(&d, "mapihttp.nspi.addressbooktaggedpropertyvalue"),
        [
            "AddressBookTaggedPropertyValue: PidTagDisplayName (0x3001001F, PtypString) = \"All Users\"",
            "AddressBookTaggedPropertyValue: PidTagContainerFlags (0x36000003, PtypInteger32) = 11",
            "AddressBookTaggedPropertyValue: PidTagDisplayName (0x3001001F, PtypString) = \"GAL\"",
        ]
    );
    assert_eq!(span(&d, "mapihttp.getspecialtable.rows").0, RESP_MID + 4 + 1 + 1 + 4);
}

#[test]
fn get_template_info() {
    let d = rq(T::GetTemplateInfo, gettemplateinfo_req());
    clean(&d);
    assert_eq!(line(&d, "mapihttp.gettemplateinfo.flags"), "Flags: 0x00000005 (TI_TEMPLATE, TI_SCRIPT)");
    assert_eq!(line(&d, "mapihttp.gettemplateinfo.displaytype"), "DisplayType: DT_MAILUSER (0x00000000)");
    assert_eq!(line(&d, "mapihttp.gettemplateinfo.hastemplatedn"), "HasTemplateDn: True");
    assert_eq!(line(&d, "mapihttp.gettemplateinfo.templatedn"), "TemplateDn: \"/o=Contoso/cn=Templates\"");
    assert_eq!(line(&d, "mapihttp.nspi.codepage"), "CodePage: Western European (Windows) (0x000004E4)");
    assert_eq!(line(&d, "mapihttp.gettemplateinfo.localeid"), "LocaleId: 0x00000409");
    let r = meta(&gettemplateinfo_resp());
    let d = rs(T::GetTemplateInfo, &r);
    clean(&d);
    assert_eq!(line(&d, "mapihttp.gettemplateinfo.hasrow"), "HasRow: True");
    assert_eq!(span(&d, "mapihttp.gettemplateinfo.row"), (RESP_MID + 5, 4 + 4 + 1 + 4 + 4));
    assert_eq!(
        line(&d, "mapihttp.nspi.addressbooktaggedpropertyvalue"),
        "AddressBookTaggedPropertyValue: PidTagScriptData (0x00040102, PtypBinary) = 01020304 (4 bytes)"
    );
    assert_eq!(line(&d, "mapihttp.nspi.value.count"), "Count: 4");
}

#[test]
fn mod_link_att_counted_entry_ids() {
    let b = modlinkatt_req();
    let d = rq(T::ModLinkAtt, &b);
    clean(&d);
    assert_eq!(line(&d, "mapihttp.modlinkatt.flags"), "Flags: 0x00000001 (fDelete)");
    assert_eq!(line(&d, "mapihttp.modlinkatt.propertytag"), "PropertyTag: 0x8009000D (PtypObject, named property id 0x8009)");
    assert_eq!(line(&d, "mapihttp.modlinkatt.minimalid"), "MinimalId: 0x00001234");
    assert_eq!(line(&d, "mapihttp.modlinkatt.hasentryids"), "HasEntryIds: True");
    assert_eq!(line(&d, "mapihttp.modlinkatt.entryidcount"), "EntryIdCount: 2");
    assert_eq!(lines(&d, "mapihttp.modlinkatt.cb"), ["cb: 32 bytes", "cb: 46 bytes"]);
    assert_eq!(
        line(&d, "mapihttp.nspi.ephemeralentryid"),
        "EphemeralEntryID: DT_MAILUSER, MId 0x00004321, server {04030201-0605-0807-090A-0B0C0D0E0F10}"
    );
    assert_eq!(line(&d, "mapihttp.nspi.permanententryid"), "PermanentEntryID: DT_MAILUSER, /o=Contoso/cn=bob");
    assert_eq!(span(&d, "mapihttp.nspi.ephemeralentryid"), (21, 32));
    assert_eq!(span(&d, "mapihttp.nspi.permanententryid"), (57, 46));
    assert_eq!(span(&d, "mapihttp.modlinkatt.entryids"), (17, 4 + 32 + 4 + 46));
    assert_eq!(
        lines(&d, "mapihttp.nspi.entryid.idtype"),
        ["ID Type: EphemeralEntryID (0x87)", "ID Type: PermanentEntryID (0x00)"]
    );
    assert_eq!(lines(&d, "mapihttp.nspi.entryid.r1"), ["R1: 0x00", "R1: 0x00"]);
    assert_eq!(lines(&d, "mapihttp.nspi.entryid.r2"), ["R2: 0x00", "R2: 0x00"]);
    assert_eq!(lines(&d, "mapihttp.nspi.entryid.r3"), ["R3: 0x00", "R3: 0x00"]);
    assert_eq!(
        lines(&d, "mapihttp.nspi.entryid.provideruid")[1],
        "ProviderUID: {C840A7DC-42C0-1A10-B4B9-08002B2FE182}"
    );
    let r = meta(&modlinkatt_resp());
    clean(&rs(T::ModLinkAtt, &r));
}

#[test]
fn mod_link_att_bare_entry_ids() {
    let b = req(W::new().u32(0).u32(0x8009_000D).u32(0x1234).u8(0xFF).u32(2).raw(&ephemeral(7)).raw(&permanent("/o=x")));
    let d = rq(T::ModLinkAtt, &b);
    assert!(!has_error(&d), "{:#?}", d.diagnostics);
    assert!(d.find("mapihttp.modlinkatt.cb").is_none());
    assert_eq!(line(&d, "mapihttp.nspi.entryid.mid"), "MId: 0x00000007");
    assert_eq!(line(&d, "mapihttp.nspi.entryid.dn"), "Distinguished Name: \"/o=x\"");
    assert_eq!(span(&d, "mapihttp.nspi.ephemeralentryid"), (17, 32));
    assert_eq!(line(&d, "mapihttp.auxiliarybuffersize"), "AuxiliaryBufferSize: 0 bytes");
    // A counted entry id that is neither form is shown as bytes with a warning.
    let b = req(W::new().u32(0).u32(0x8009_000D).u32(0x1234).u8(0xFF).u32(1).u32(3).raw(&[1, 2, 3]));
    let d = rq(T::ModLinkAtt, &b);
    assert_eq!(line(&d, "mapihttp.modlinkatt.entryid"), "EntryId: 010203");
    assert!(d.diagnostics.iter().any(|x| x.severity == Severity::Warning));
}

#[test]
fn mod_props() {
    let d = rq(T::ModProps, modprops_req());
    clean(&d);
    stat_lines(&d);
    assert_eq!(line(&d, "mapihttp.nspi.haspropertytags"), "HasPropertyTags: True");
    assert_eq!(line(&d, "mapihttp.nspi.propertytag"), "PropertyTags: PidTagBusinessTelephoneNumber (0x3A08001F, PtypString)");
    assert_eq!(line(&d, "mapihttp.nspi.haspropertyvalues"), "HasPropertyValues: True");
    assert_eq!(
        line(&d, "mapihttp.nspi.addressbooktaggedpropertyvalue"),
        "AddressBookTaggedPropertyValue: PidTagBusinessTelephoneNumber (0x3A08001F, PtypString) = \"+1 555 0100\""
    );
    let (ti, _) = d.find("mapihttp.nspi.addressbooktaggedpropertyvalue").unwrap();
    let kids: Vec<_> = d.children(ti).map(|k| display_line(&d, d.node(k).unwrap())).collect();
    assert_eq!(kids, ["PropertyType: PtypString (0x001F)", "PropertyId: 0x3A08", "HasValue: True", "PropertyValue: \"+1 555 0100\""]);
    let r = meta(&modprops_resp());
    clean(&rs(T::ModProps, &r));
}

#[test]
fn query_rows_typed_values() {
    let b = queryrows_req();
    let d = rq(T::QueryRows, &b);
    clean(&d);
    assert_eq!(line(&d, "mapihttp.queryrows.flags"), "Flags: 0x00000002 (fEphID)");
    assert_eq!(line(&d, "mapihttp.nspi.explicittablecount"), "ExplicitTableCount: 2");
    assert_eq!(lines(&d, "mapihttp.nspi.explicittable"), ["ExplicitTable: 0x00001234", "ExplicitTable: 0x00001235"]);
    assert_eq!(line(&d, "mapihttp.queryrows.rowcount"), "RowCount: 10");
    assert_eq!(span(&d, "mapihttp.queryrows.rowcount"), (4 + 37 + 12, 4));
    assert_eq!(lines(&d, "mapihttp.nspi.propertytag")[1], "PropertyTags: PidTagAddressType (0x30020000, PtypUnspecified)");
    // No ExplicitTable: the count is still there.
    let d = rq(T::QueryRows, req(W::new().u32(0).u8(0).u32(0).u32(5).u8(0)));
    clean(&d);
    assert_eq!(line(&d, "mapihttp.nspi.explicittablecount"), "ExplicitTableCount: 0");

    let r = meta(&queryrows_resp());
    let d = rs(T::QueryRows, &r);
    clean(&d);
    assert_eq!(
        line(&d, "mapihttp.nspi.addressbooktypedpropertyvalue"),
        "AddressBookTypedPropertyValue: PidTagAddressType (0x30020000, PtypUnspecified) = PtypString \"SMTP\""
    );
    assert_eq!(
        line(&d, "mapihttp.nspi.addressbookflaggedpropertyvaluewithtype"),
        "AddressBookFlaggedPropertyValueWithType: PidTagAddressType (0x30020000, PtypUnspecified) = PtypErrorCode error NotFound (0x8004010F)"
    );
    let (ti, _) = d.find("mapihttp.nspi.addressbooktypedpropertyvalue").unwrap();
    let kids: Vec<_> = d.children(ti).map(|k| display_line(&d, d.node(k).unwrap())).collect();
    assert_eq!(kids, ["PropertyType: PtypString (0x001F)", "HasValue: True", "PropertyValue: \"SMTP\""]);
    let (ti, _) = d.find("mapihttp.nspi.addressbookflaggedpropertyvaluewithtype").unwrap();
    let kids: Vec<_> = d.children(ti).map(|k| display_line(&d, d.node(k).unwrap())).collect();
    assert_eq!(kids, ["PropertyType: PtypErrorCode (0x000A)", "Flag: Error (0x0A)", "PropertyValue: NotFound (0x8004010F)"]);
}

#[test]
fn query_columns() {
    let d = rq(T::QueryColumns, querycolumns_req());
    clean(&d);
    assert_eq!(line(&d, "mapihttp.querycolumns.mapiflags"), "MapiFlags: 0x80000000 (NspiUnicodeProptypes)");
    let r = meta(&querycolumns_resp());
    let d = rs(T::QueryColumns, &r);
    clean(&d);
    assert_eq!(line(&d, "mapihttp.nspi.hascolumns"), "HasColumns: True");
    assert_eq!(span(&d, "mapihttp.nspi.columns"), (RESP_MID + 1, 12));
}

#[test]
fn resolve_names() {
    let d = rq(T::ResolveNames, resolvenames_req());
    clean(&d);
    assert_eq!(lines(&d, "mapihttp.resolvenames.namevalues"), ["NameValues: \"alice\"", "NameValues: \"nobody\""]);
    assert_eq!(line(&d, "mapihttp.nspi.namecount"), "NameCount: 2");
    let r = meta(&resolvenames_resp());
    let d = rs(T::ResolveNames, &r);
    clean(&d);
    assert_eq!(lines(&d, "mapihttp.nspi.minimalids"), ["MinimalIds: 0x00001234", "MinimalIds: 0x00000000 (MID_UNRESOLVED)"]);
    assert_eq!(line(&d, "mapihttp.resolvenames.hasrowsandcols"), "HasRowsAndCols: True");
    assert_eq!(line(&d, "mapihttp.nspi.propertytag"), "PropertyTags: PidTagDisplayName (0x3001001F, PtypString)");
    assert!(d.find("mapihttp.nspi.propertytags").is_some());
    assert_eq!(line(&d, "mapihttp.nspi.addressbookpropertyvalue"), "AddressBookPropertyValue: PidTagDisplayName (0x3001001F, PtypString) = \"Alice\"");
}

#[test]
fn resort_restriction() {
    let d = rq(T::ResortRestriction, resortrestriction_req());
    clean(&d);
    assert_eq!(lines(&d, "mapihttp.nspi.minimalids"), ["MinimalIds: 0x00001235", "MinimalIds: 0x00001234"]);
    let r = meta(&resortrestriction_resp());
    let d = rs(T::ResortRestriction, &r);
    clean(&d);
    stat_lines(&d);
    assert_eq!(lines(&d, "mapihttp.nspi.minimalids"), ["MinimalIds: 0x00001234", "MinimalIds: 0x00001235"]);
}

#[test]
fn seek_entries() {
    let d = rq(T::SeekEntries, seekentries_req());
    clean(&d);
    assert_eq!(line(&d, "mapihttp.seekentries.hastarget"), "HasTarget: True");
    assert_eq!(line(&d, "mapihttp.seekentries.target"), "Target: PidTagDisplayName (0x3001001F, PtypString) = \"B\"");
    assert_eq!(span(&d, "mapihttp.seekentries.target"), (42, 4 + 1 + 4));
    assert_eq!(line(&d, "mapihttp.seekentries.hasexplicittable"), "HasExplicitTable: True");
    assert_eq!(line(&d, "mapihttp.nspi.explicittable"), "ExplicitTable: 0x00001234");
    let r = meta(&seekentries_resp());
    let d = rs(T::SeekEntries, &r);
    clean(&d);
    assert_eq!(line(&d, "mapihttp.nspi.hascolumnsandrows"), "HasColumnsAndRows: False");
    assert!(d.find("mapihttp.nspi.rowcount").is_none());
}

#[test]
fn update_stat() {
    let d = rq(T::UpdateStat, updatestat_req());
    clean(&d);
    assert_eq!(line(&d, "mapihttp.updatestat.deltarequested"), "DeltaRequested: True");
    let r = meta(&updatestat_resp());
    let d = rs(T::UpdateStat, &r);
    clean(&d);
    assert_eq!(line(&d, "mapihttp.updatestat.hasdelta"), "HasDelta: True");
    assert_eq!(line(&d, "mapihttp.updatestat.delta"), "Delta: -2");
    assert_eq!(span(&d, "mapihttp.updatestat.delta"), (RESP_MID + 38, 4));
}

#[test]
fn urls() {
    let d = rq(T::GetMailboxUrl, getmailboxurl_req());
    clean(&d);
    assert_eq!(line(&d, "mapihttp.getmailboxurl.flags"), "Flags: 0x00000000");
    assert_eq!(line(&d, "mapihttp.getmailboxurl.serverdn"), "ServerDn: \"/o=Contoso/ou=Exchange/cn=Configuration/cn=Servers/cn=mbx1\"");
    let r = meta(&getmailboxurl_resp());
    let d = rs(T::GetMailboxUrl, &r);
    clean(&d);
    assert_eq!(
        line(&d, "mapihttp.getmailboxurl.serverurl"),
        "ServerUrl: \"https://mail.contoso.com/mapi/emsmdb/?MailboxId=a@contoso.com\""
    );
    let d = rq(T::GetAddressBookUrl, getaddressbookurl_req());
    clean(&d);
    assert_eq!(line(&d, "mapihttp.getaddressbookurl.userdn"), "UserDn: \"/o=Contoso/cn=Recipients/cn=alice\"");
    assert_eq!(span(&d, "mapihttp.getaddressbookurl.userdn"), (4, 2 * 34));
    let r = meta(&getaddressbookurl_resp());
    let d = rs(T::GetAddressBookUrl, &r);
    clean(&d);
    assert_eq!(
        line(&d, "mapihttp.getaddressbookurl.serverurl"),
        "ServerUrl: \"https://mail.contoso.com/mapi/nspi/?MailboxId=a@contoso.com\""
    );
    // Non-zero Flags: a note.
    let d = rq(T::GetMailboxUrl, req(W::new().u32(1).s16("x")));
    assert!(d.diagnostics.iter().any(|x| x.severity == Severity::Note && x.message.contains("Flags")));
}

// ----- encodings from other implementations --------------------------------------------------

#[test]
fn property_restriction_with_presence_byte() {
    // gromox reads a 0xFF presence byte before the TaggedValue and address book framing inside it.
    let f = W::new().u8(0x04).u8(0x04).u32(0x3001_001F).u8(0xFF).u32(0x3001_001F).u8(0xFF).s16("Al");
    let b = req(W::new().u32(0).u8(0).u8(0).u32(0).u8(0xFF).raw(&f.0).u8(0).u32(1).u8(0));
    let d = rq(T::GetMatches, &b);
    assert!(!has_error(&d), "{:#?}", d.diagnostics);
    assert_eq!(line(&d, "mapihttp.nspi.restriction.taggedvalue"), "TaggedValue: PidTagDisplayName (0x3001001F, PtypString) = \"Al\"");
    assert_eq!(lines(&d, "mapihttp.nspi.hasvalue"), ["HasValue: True", "HasValue: True"]);
    assert_eq!(line(&d, "mapihttp.getmatches.rowcount"), "RowCount: 1");
}

#[test]
fn comment_count_subobject_size_compare_restrictions() {
    let f = W::new()
        .u8(0x0B) // Count
        .u32(5)
        .u8(0x0A) // Comment
        .u8(1)
        .u32(0x3001_001F)
        .s16("why") // plain TaggedPropertyValue
        .u8(1)
        .u8(0x09) // SubObject
        .u32(0x0E12_000D)
        .u8(0x07) // Size
        .u8(0x02)
        .u32(0x0E08_0003)
        .u32(100);
    let b = req(W::new().u32(0).u8(0).u8(0).u32(0).u8(0xFF).raw(&f.0).u8(0).u32(1).u8(0));
    let d = rq(T::GetMatches, &b);
    clean(&d);
    assert_eq!(line(&d, "mapihttp.nspi.restriction.countvalue"), "Count: 5");
    assert_eq!(line(&d, "mapihttp.nspi.restriction.taggedvaluescount"), "TaggedValuesCount: 1");
    assert_eq!(line(&d, "mapihttp.nspi.restriction.taggedvalue"), "TaggedValue: PidTagDisplayName (0x3001001F, PtypString) = \"why\"");
    assert_eq!(line(&d, "mapihttp.nspi.restriction.restrictionpresent"), "RestrictionPresent: True");
    assert_eq!(line(&d, "mapihttp.nspi.restriction.subobjecttag"), "Subobject: PidTagMessageRecipients (0x0E12000D, PtypObject)");
    assert_eq!(line(&d, "mapihttp.nspi.restriction.relop"), "RelOp: RELOP_GT (0x02)");
    assert_eq!(line(&d, "mapihttp.nspi.restriction.sizevalue"), "Size: 100 bytes");
    assert!(d.find("mapihttp.nspi.restriction.subrestriction").is_some());
    let f = W::new().u8(0x05).u8(0x64).u32(0x3001_001F).u32(0x3003_001F);
    let b = req(W::new().u32(0).u8(0).u8(0).u32(0).u8(0xFF).raw(&f.0).u8(0).u32(1).u8(0));
    let d = rq(T::GetMatches, &b);
    clean(&d);
    assert_eq!(line(&d, "mapihttp.nspi.restriction.relop"), "RelOp: RELOP_MEMBER_OF_DL (0x64)");
    assert_eq!(line(&d, "mapihttp.nspi.restriction.proptag2"), "PropTag2: PidTagEmailAddress (0x3003001F, PtypString)");
}

#[test]
fn doubled_binary_has_value() {
    // FF FF count bytes: the second 0xFF is taken as a repeated HasValue only because a count read
    // at it (0x000003FF) cannot fit.
    let list = W::new().u32(1).u32(0x600E_0102).u8(0xFF).u8(0xFF).u32(3).raw(&[7, 8, 9]);
    let r = meta(&resp(W::new().u32(0x4E4).u8(0xFF).raw(&list.0)));
    let d = rs(T::GetProps, &r);
    assert!(!has_error(&d), "{:#?}", d.diagnostics);
    assert_eq!(lines(&d, "mapihttp.nspi.hasvalue"), ["HasValue: True", "HasValue: True"]);
    assert_eq!(line(&d, "mapihttp.nspi.value.binary"), "PropertyValue: 070809");
}

#[test]
fn unknown_property_type_stops_with_error() {
    let list = W::new().u32(2).u32(0x6000_0009).u32(1).u32(0x3001_001F).u8(0xFF).s16("x");
    let r = resp(W::new().u32(0x4E4).u8(0xFF).raw(&list.0));
    let d = rs(T::GetProps, &r);
    assert!(d.diagnostics.iter().any(|x| x.severity == Severity::Error && x.message.contains("0x0009")));
    let r = resp(W::new().u8(0).u8(0xFF).u32(0).u32(1).u8(0x07));
    let d = rs(T::QueryRows, &r);
    assert!(d.diagnostics.iter().any(|x| x.severity == Severity::Error && x.message.contains("Flags 0x07")));
}

// ----- robustness ----------------------------------------------------------------------------

#[test]
fn truncation_sweep() {
    for (t, qb, sb) in vectors() {
        for (body, is_req) in [(qb, true), (sb, false)] {
            for cut in 0..body.len() {
                let part = &body[..cut];
                let d = if is_req { rq(t, part) } else { rs(t, part) };
                let err = d.diagnostics.iter().find(|x| x.severity == Severity::Error);
                if cut == 0 && !is_req {
                    // An empty response body is reported by the envelope, not by this module.
                    continue;
                }
                let err = err.unwrap_or_else(|| panic!("{t} {}: no error for a cut at {cut}", if is_req { "request" } else { "response" }));
                assert!(err.offset as usize <= cut, "{t}: error at {} after the cut {cut}", err.offset);
                for n in &d.nodes {
                    assert!(n.offset as usize + n.length as usize <= cut, "{t}: node {} past the cut", n.field.key);
                }
            }
        }
    }
}

fn assert_bounded(d: &Dissection<'_>, what: &str, field: &str) {
    assert!(d.nodes.len() < 200, "{what}: {} nodes", d.nodes.len());
    assert!(
        d.diagnostics.iter().any(|x| x.severity == Severity::Error && x.message.contains(field)),
        "{what}: no error naming {field}: {:#?}",
        d.diagnostics
    );
}

#[test]
fn hostile_counts() {
    const BIG: u32 = 0xFFFF_FFFF;
    let cases: Vec<(T, bool, Vec<u8>, &str)> = vec![
        (T::DnToMId, true, req(W::new().u32(0).u8(0xFF).u32(BIG).s8("a")), "NameCount"),
        (T::ResolveNames, true, req(W::new().u32(0).u8(0).u8(0).u8(0xFF).u32(BIG).s16("a")), "NameCount"),
        (T::GetMatches, true, req(W::new().u32(0).u8(0).u8(0xFF).u32(BIG).u32(1)), "MinimalIdCount"),
        (T::GetProps, true, req(W::new().u32(0).u8(0).u8(0xFF).u32(BIG).u32(1)), "PropertyTagCount"),
        (T::QueryRows, true, req(W::new().u32(0).u8(0).u32(BIG).u32(1)), "ExplicitTableCount"),
        (T::ModProps, true, req(W::new().u32(0).u8(0).u8(0).u8(0xFF).u32(BIG).u32(0x3001_001F)), "PropertyValueCount"),
        (T::ModLinkAtt, true, req(W::new().u32(0).u32(0).u32(0).u8(0xFF).u32(BIG).u32(1)), "EntryIdCount"),
        (T::GetMatches, true, req(W::new().u32(0).u8(0).u8(0).u32(0).u8(0xFF).u8(0).u32(BIG).u8(8)), "RestrictCount"),
        (T::QueryRows, false, resp(W::new().u8(0).u8(0xFF).u32(1).u32(0x3001_001F).u32(BIG).u8(0)), "RowCount"),
        (T::QueryRows, false, resp(W::new().u8(0).u8(0xFF).u32(BIG).u32(0x3001_001F)), "PropertyTagCount"),
        (T::GetProps, false, resp(W::new().u32(0).u8(0xFF).u32(BIG).u32(1)), "PropertyValueCount"),
        (T::GetSpecialTable, false, resp(W::new().u32(0).u8(0).u8(0xFF).u32(BIG).u32(1)), "RowsCount"),
        (
            T::GetProps,
            false,
            resp(W::new().u32(0).u8(0xFF).u32(1).u32(0x6000_1003).u8(0xFF).u32(BIG).u32(1)),
            "Count",
        ),
        (
            T::GetProps,
            false,
            resp(W::new().u32(0).u8(0xFF).u32(1).u32(0x6000_0102).u8(0xFF).u32(BIG).u32(1)),
            "Count",
        ),
        (
            T::GetProps,
            false,
            resp(W::new().u32(0).u8(0xFF).u32(1).u32(0x6000_101F).u8(0xFF).u32(BIG).u8(0xFF)),
            "Count",
        ),
    ];
    for (t, is_req, body, field) in cases {
        assert!(body.len() < 40);
        let d = if is_req { rq(t, &body) } else { rs(t, &body) };
        assert_bounded(&d, &alloc::format!("{t} {field}"), field);
    }
}

#[test]
fn deep_restriction_nesting_is_capped() {
    // 10 000 nested NotRestrictions: stops at the builder's depth cap, without exhausting the stack.
    let mut f = vec![0x02u8; 10_000];
    f.push(0x08);
    f.extend_from_slice(&0x3001_001Fu32.to_le_bytes());
    let b = req(W::new().u32(0).u8(0).u8(0).u32(0).u8(0xFF).raw(&f).u8(0).u32(1).u8(0));
    let d = rq(T::GetMatches, &b);
    assert!(d.diagnostics.iter().any(|x| x.severity == Severity::Error && x.message.contains("nesting")));
    assert!(d.nodes.len() < 500);
}

#[test]
fn null_columns_make_no_nodes() {
    // Many PtypNull columns and many rows: only the rows themselves become nodes.
    let mut w = W::new().u8(0).u8(0xFF).u32(100);
    for _ in 0..100 {
        w = w.u32(0x6000_0001);
    }
    w = w.u32(100);
    for _ in 0..100 {
        w = w.u8(0);
    }
    let d = rs(T::QueryRows, meta(&resp(w)));
    clean(&d);
    assert!(d.nodes.len() < 1000, "{} nodes", d.nodes.len());
}

#[test]
fn sniffing_entry_ids() {
    use super::entryid::{sniff, Kind};
    assert_eq!(sniff(&ephemeral(1)), Some(Kind::Ephemeral));
    assert_eq!(sniff(&permanent("/o=x")), Some(Kind::Permanent));
    assert_eq!(sniff(&ephemeral(1)[..31]), None);
    let mut p = permanent("/o=x");
    p[4] ^= 1;
    assert_eq!(sniff(&p), None);
    assert_eq!(sniff(&[0u8; 40]), None);
}
