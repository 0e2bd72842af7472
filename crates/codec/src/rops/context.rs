//! Decoding context for ROP buffers ([MS-OXCROPS] 3.2.5, [MS-OXCMAPIHTTP] 3.2.5).
//!
//! ROP responses do not say what they answer, and several layouts depend on earlier traffic. The
//! context is a plain value, kept apart from the parsers, passed into decoding:
//! - [`Session`]: state of one Session Context across Execute requests — which handle is which kind
//!   of object, the column set of every table handle (from RopSetColumns), the logon kind of every
//!   LogonId (from RopLogon), recipient columns per message handle, and named-property mappings
//!   (from RopGetPropertyIdsFromNames / RopGetNamesFromPropertyIds / RopQueryNamedProperties).
//!   A capture layer feeds exchanges in session order into one `Session`; a UI decoding exchange N
//!   replays exchanges 0..N (or keeps snapshots, since `Session` is `Clone`).
//! - [`ExecState`]: state of one Execute — the request ROPs in order (response ROPs answer them in
//!   order, RopRelease having no response), the server object handle tables of the request and of
//!   the response, and column sets set by this Execute's own RopSetColumns (keyed by handle index,
//!   because a table opened in the same request has no handle value until the response).
//!
//! Missing context is never guessed: decoders record a note ("columns unknown: …") and show bytes.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

use crate::rpc::Direction;

/// What kind of Server object a handle refers to, learned from the ROP that created it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObjectKind {
    /// A logon (RopLogon).
    Logon,
    /// A folder (RopOpenFolder, RopCreateFolder).
    Folder,
    /// A message (RopOpenMessage, RopCreateMessage, RopOpenEmbeddedMessage, …).
    Message,
    /// An attachment (RopOpenAttachment, RopCreateAttachment).
    Attachment,
    /// A table (hierarchy, contents, attachment, permissions, rules, …).
    Table,
    /// A stream (RopOpenStream, RopCloneStream).
    Stream,
    /// A FastTransfer download or upload context.
    FastTransfer,
    /// An ICS synchronization or collector context.
    Synchronization,
    /// A notification subscription (RopRegisterNotification).
    Notification,
}

impl ObjectKind {
    /// A short name for display.
    pub fn name(self) -> &'static str {
        match self {
            ObjectKind::Logon => "logon",
            ObjectKind::Folder => "folder",
            ObjectKind::Message => "message",
            ObjectKind::Attachment => "attachment",
            ObjectKind::Table => "table",
            ObjectKind::Stream => "stream",
            ObjectKind::FastTransfer => "FastTransfer context",
            ObjectKind::Synchronization => "synchronization context",
            ObjectKind::Notification => "notification subscription",
        }
    }
}

/// A named property as learned from the property-name ROPs ([MS-OXCDATA] 2.6.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamedProperty {
    /// The property set GUID, wire order.
    pub guid: [u8; 16],
    /// 0x00 MNID_ID or 0x01 MNID_STRING.
    pub kind: u8,
    /// The LID for MNID_ID.
    pub lid: u32,
    /// The name for MNID_STRING.
    pub name: String,
}

/// State of one Session Context, carried across Execute requests.
#[derive(Clone, Debug, Default)]
pub struct Session {
    /// LogonId → LogonFlags of its RopLogon (bit 0x01 Private: mailbox, else public folders).
    pub logons: BTreeMap<u8, u8>,
    /// Server object handle → object kind.
    pub objects: BTreeMap<u32, ObjectKind>,
    /// Table handle → the columns of its latest successful RopSetColumns.
    pub columns: BTreeMap<u32, Vec<u32>>,
    /// Message handle → its recipient columns (RopOpenMessage, RopReloadCachedInformation).
    pub recipient_columns: BTreeMap<u32, Vec<u32>>,
    /// Named property id (≥ 0x8000) → its name.
    pub named: BTreeMap<u16, NamedProperty>,
}

/// What a decoded request ROP said that its response (or later traffic) needs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestInfo {
    /// The RopId.
    pub rop_id: u8,
    /// The LogonId, if the ROP has one.
    pub logon_id: Option<u8>,
    /// InputHandleIndex (or the first handle index of the ROP).
    pub input_index: Option<u8>,
    /// OutputHandleIndex, for ROPs that create an object.
    pub output_index: Option<u8>,
    /// Property tags the response is laid out by (RopGetPropertiesSpecific, RopSetColumns, …).
    pub tags: Vec<u32>,
    /// Other request values a response needs (ROP-specific, documented by each decoder).
    pub values: Vec<u64>,
    /// Property names of RopGetPropertyIdsFromNames, in request order.
    pub names: Vec<NamedProperty>,
    /// Property ids of RopGetNamesFromPropertyIds, in request order.
    pub ids: Vec<u16>,
}

/// State of one Execute request/response pair.
#[derive(Clone, Debug, Default)]
pub struct ExecState {
    /// Server object handle table of the ROP input buffer being decoded (or last decoded).
    pub request_handles: Vec<u32>,
    /// Server object handle table of the ROP output buffer being decoded.
    pub response_handles: Vec<u32>,
    /// The request ROPs of this Execute, in order.
    pub requests: Vec<RequestInfo>,
    /// Index of the next request a response ROP may answer.
    pub next: usize,
    /// Columns set by this Execute's own RopSetColumns requests, by InputHandleIndex.
    pub index_columns: BTreeMap<u8, Vec<u32>>,
    /// Whether the request side of this Execute was decoded (otherwise responses have no pairing).
    pub have_request: bool,
}

/// The whole context a ROP decoder sees.
#[derive(Clone, Debug, Default)]
pub struct Context {
    /// Cross-Execute state.
    pub session: Session,
    /// This Execute's state.
    pub exec: ExecState,
}

/// What one ROP decoder works with: direction, the context, and the request information it fills
/// (for a request) or reads (for a response: the paired request's, when one was found).
pub struct Rop<'s> {
    /// Request or response.
    pub dir: Direction,
    /// The context.
    pub ctx: &'s mut Context,
    /// This ROP's request information.
    pub info: RequestInfo,
    /// For a response: whether a matching request ROP was found.
    pub paired: bool,
}

impl Rop<'_> {
    /// The handle value at `index` of the handle table of the buffer being decoded.
    pub fn handle(&self, index: u8) -> Option<u32> {
        let t = match self.dir {
            Direction::Request => &self.ctx.exec.request_handles,
            Direction::Response => &self.ctx.exec.response_handles,
        };
        t.get(usize::from(index)).copied().filter(|&h| h != 0xFFFF_FFFF)
    }

    /// The column set of the table at `index`: this Execute's RopSetColumns first, then the session's
    /// record for the handle value.
    pub fn columns_at(&self, index: u8) -> Option<Vec<u32>> {
        if let Some(c) = self.ctx.exec.index_columns.get(&index) {
            return Some(c.clone());
        }
        let h = self.handle(index).or_else(|| self.ctx.exec.request_handles.get(usize::from(index)).copied())?;
        self.ctx.session.columns.get(&h).cloned()
    }

    /// Whether the logon `logon_id` is a private mailbox logon (None if its RopLogon was not seen).
    pub fn logon_private(&self, logon_id: u8) -> Option<bool> {
        self.ctx.session.logons.get(&logon_id).map(|f| f & 0x01 != 0)
    }

    /// Records the kind of the object created at output `index` (response side, once the handle
    /// value is known from the response's handle table).
    pub fn created(&mut self, index: u8, kind: ObjectKind) {
        if let Some(h) = self.handle(index) {
            self.ctx.session.objects.insert(h, kind);
        }
    }
}
