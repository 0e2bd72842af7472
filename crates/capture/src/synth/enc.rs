//! A little-endian byte encoder for the MAPI/HTTP structures the generator writes.

/// A growing little-endian buffer with chainable writers.
#[derive(Clone, Debug, Default)]
pub struct Enc(pub Vec<u8>);

impl Enc {
    /// An empty buffer.
    pub fn new() -> Enc {
        Enc(Vec::new())
    }
    /// One byte.
    pub fn u8(&mut self, v: u8) -> &mut Enc {
        self.0.push(v);
        self
    }
    /// A little-endian u16.
    pub fn u16(&mut self, v: u16) -> &mut Enc {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    /// A little-endian u32.
    pub fn u32(&mut self, v: u32) -> &mut Enc {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    /// A little-endian i32.
    pub fn i32(&mut self, v: i32) -> &mut Enc {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    /// A little-endian u64.
    pub fn u64(&mut self, v: u64) -> &mut Enc {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    /// Raw bytes.
    pub fn bytes(&mut self, v: &[u8]) -> &mut Enc {
        self.0.extend_from_slice(v);
        self
    }
    /// A NUL-terminated 8-bit string.
    pub fn str8z(&mut self, s: &str) -> &mut Enc {
        self.0.extend_from_slice(s.as_bytes());
        self.0.push(0);
        self
    }
    /// A NUL-terminated UTF-16LE string.
    pub fn utf16z(&mut self, s: &str) -> &mut Enc {
        self.0.reserve(2 * s.len() + 2);
        for u in s.encode_utf16() {
            self.0.extend_from_slice(&u.to_le_bytes());
        }
        self.0.extend_from_slice(&[0, 0]);
        self
    }
    /// A u16 length prefix and the bytes.
    pub fn bin16(&mut self, v: &[u8]) -> &mut Enc {
        self.u16(v.len() as u16).bytes(v)
    }
    /// A u32 length prefix and the bytes.
    pub fn bin32(&mut self, v: &[u8]) -> &mut Enc {
        self.u32(v.len() as u32).bytes(v)
    }
    /// The bytes so far.
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// Whether nothing was written.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// Takes the bytes.
    pub fn take(&mut self) -> Vec<u8> {
        core::mem::take(&mut self.0)
    }
}

/// UTF-16LE with the NUL terminator.
pub fn utf16z(s: &str) -> Vec<u8> {
    Enc::new().utf16z(s).take()
}

/// [MS-OXCDATA] 2.2.1.1 Folder ID / 2.2.1.2 Message ID as the little-endian u64 a ROP buffer carries:
/// ReplicaId (u16 LE) then the 6-byte big-endian GlobalCounter.
pub fn fid(replid: u16, counter: u64) -> u64 {
    let mut b = [0u8; 8];
    b[..2].copy_from_slice(&replid.to_le_bytes());
    b[2..].copy_from_slice(&counter.to_be_bytes()[2..]);
    u64::from_le_bytes(b)
}

/// The 6 big-endian GlobalCounter bytes.
pub fn counter6(counter: u64) -> [u8; 6] {
    let b = counter.to_be_bytes();
    [b[2], b[3], b[4], b[5], b[6], b[7]]
}

/// A GUID in registry format, `{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}`, from wire (little-endian
/// Data1–Data3) bytes.
pub fn guid_text(g: &[u8; 16]) -> String {
    let d1 = u32::from_le_bytes([g[0], g[1], g[2], g[3]]);
    let d2 = u16::from_le_bytes([g[4], g[5]]);
    let d3 = u16::from_le_bytes([g[6], g[7]]);
    format!(
        "{{{d1:08X}-{d2:04X}-{d3:04X}-{:02X}{:02X}-{:02X}{:02X}{:02X}{:02X}{:02X}{:02X}}}",
        g[8], g[9], g[10], g[11], g[12], g[13], g[14], g[15]
    )
}

/// The GUID without braces, lower case (MailboxId in URLs, DeploymentId).
pub fn guid_plain(g: &[u8; 16]) -> String {
    let t = guid_text(g);
    t.trim_matches(|c| c == '{' || c == '}').to_ascii_lowercase()
}

/// Standard base64 with padding (the codec-side decoders are not needed for writing).
pub fn base64(data: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_little_endian_strings_and_ids() {
        let mut e = Enc::new();
        e.u16(0x0102).u32(0x03040506).str8z("ab").utf16z("c").bin16(&[9]);
        assert_eq!(e.0, [2, 1, 6, 5, 4, 3, b'a', b'b', 0, b'c', 0, 0, 0, 1, 0, 9]);
        // [MS-OXCDATA] 2.2.1.1: 0001-00000E8EDF36 is 01 00 00 00 0E 8E DF 36 on the wire.
        assert_eq!(fid(1, 0x0E8EDF36).to_le_bytes(), [1, 0, 0, 0, 0x0E, 0x8E, 0xDF, 0x36]);
        let g = [0x39, 0x3C, 0xF3, 0x2E, 0xC8, 0x49, 0x1C, 0x42, 0xB8, 0x76, 0xCD, 0xF7, 0xF2, 0xAC, 0x3A, 0xA0];
        assert_eq!(guid_text(&g), "{2EF33C39-49C8-421C-B876-CDF7F2AC3AA0}");
        assert_eq!(guid_plain(&g), "2ef33c39-49c8-421c-b876-cdf7f2ac3aa0");
        assert_eq!(base64(b"Man"), "TWFu");
    }
}
