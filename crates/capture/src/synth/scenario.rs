//! The simulated Outlook traffic: sessions of users starting Outlook against Exchange over
//! MAPI/HTTP, as a stream of [`Event`]s in request-start order.
//!
//! A session is a script of steps (Autodiscover, Connect, Logon, folder hierarchy, contents table,
//! message opens, address book Bind/QueryRows/ResolveNames/Unbind, Disconnect) run on its own TCP
//! connections — the mailbox connection, a second mailbox connection for the NotificationWait long
//! poll, an address book connection — with a NotificationWait cycle beside the script: each
//! NotificationWait is answered after PENDING keep-alives, and an event is fetched with an Execute
//! whose response carries RopNotify and RopPending. Sessions interleave in time; the second base
//! session loses its Session Context after a long idle (X-ResponseCode 10) and reconnects.
//!
//! For size scaling the generator continues with bulk activity (contents-table pages, message
//! opens, directory pages, notification cycles) and new sessions, then small fillers, then closes
//! every session (see [`super::write_sample`]).

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use mapiscope_codec::RequestType;

use super::bodies::{self, aux, Ctx, Stat, Val};
use super::data::{self, Message, Person};
use super::enc::{counter6, fid, guid_plain, guid_text, Enc};
use super::exchange::{transmit_ns, Conn, Exchange, Kind, Part};
use super::rng::Rng;
use super::rops::{req, resp, NameId};
use super::time::{self, Ns, MS, SEC};

/// One thing the writers get: an exchange, or the client closing a connection.
#[derive(Clone, Debug)]
pub enum Event {
    /// An HTTP exchange.
    Exchange(Box<Exchange>),
    /// The client closes the connection at `time` (FIN exchange in packet captures).
    Close {
        /// The connection.
        conn: Conn,
        /// When.
        time: Ns,
    },
}

impl Event {
    /// The time the event starts (request start, or close time).
    pub fn time(&self) -> Ns {
        match self {
            Event::Exchange(x) => x.t_request,
            Event::Close { time, .. } => *time,
        }
    }
}

/// What the generator does once the base sessions' scripts are done.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Run the base script and stop.
    Script,
    /// Keep producing realistic bulk traffic and new sessions.
    Bulk,
    /// Only small exchanges (to land on a size target).
    Filler,
    /// Close every session and stop.
    Closing,
}

const SERVER_IP: [u8; 4] = [10, 0, 1, 10];
const SERVER_MAC: [u8; 6] = [0x00, 0x50, 0x56, 0x9a, 0x1c, 0x01];
const HOST: &str = "mail.contoso.com";
const AUTODISCOVER_HOST: &str = "autodiscover.contoso.com";
const OUTLOOK: &str = "Outlook/16.0.17928.20114";
const USER_AGENT: &str = "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17928; Pro)";
const EXCHANGE: &str = "Exchange/15.02.1544.004";
const DN_PREFIX: &str = "/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)";
const PENDING_PERIOD: Ns = 15 * SEC;
const EXPIRATION_MS: u32 = 900_000;
const RTT: Ns = 800_000;
/// Payload bytes per RPC_HEADER_EXT of a packed response (below the 32 KB maximum).
const MAX_UNIT: usize = 0x7000;
/// The first time stamp: 2026-01-27 08:59:41 UTC.
const BASE_DAY: (i64, u32, u32) = (2026, 1, 27);

/// PSETID_Common, PSETID_Appointment, PSETID_Task, PSETID_Address ([MS-OXPROPS] 1.3.2), wire order.
const PSETID_COMMON: [u8; 16] = [0x08, 0x20, 0x06, 0, 0, 0, 0, 0, 0xC0, 0, 0, 0, 0, 0, 0, 0x46];
const PSETID_APPOINTMENT: [u8; 16] = [0x02, 0x20, 0x06, 0, 0, 0, 0, 0, 0xC0, 0, 0, 0, 0, 0, 0, 0x46];
const PSETID_TASK: [u8; 16] = [0x03, 0x20, 0x06, 0, 0, 0, 0, 0, 0xC0, 0, 0, 0, 0, 0, 0, 0x46];
const PSETID_ADDRESS: [u8; 16] = [0x04, 0x20, 0x06, 0, 0, 0, 0, 0, 0xC0, 0, 0, 0, 0, 0, 0, 0x46];
/// (set, LID) of the named properties Outlook maps at start; index 0 is PidLidReminderSet.
const NAMED: [([u8; 16], u32); 12] = [
    (PSETID_COMMON, 0x8503),
    (PSETID_COMMON, 0x8502),
    (PSETID_COMMON, 0x8506),
    (PSETID_COMMON, 0x8510),
    (PSETID_COMMON, 0x8514),
    (PSETID_COMMON, 0x8560),
    (PSETID_APPOINTMENT, 0x820D),
    (PSETID_APPOINTMENT, 0x820E),
    (PSETID_APPOINTMENT, 0x8205),
    (PSETID_APPOINTMENT, 0x8208),
    (PSETID_TASK, 0x8101),
    (PSETID_ADDRESS, 0x8083),
];

/// Hierarchy table columns: DisplayName, FolderId, ContentCount, ContentUnreadCount, Subfolders,
/// ContainerClass, EntryId, ParentFolderId, FolderType, MessageSize.
const HIERARCHY_COLUMNS: [u32; 10] =
    [0x3001001F, 0x67480014, 0x36020003, 0x36030003, 0x360A000B, 0x3613001F, 0x0FFF0102, 0x67490014, 0x36010003, 0x0E080003];
/// Contents table columns (the last is PidLidReminderSet's mapped id with PtypBoolean, filled in per
/// session): Mid, Subject, SenderName, MessageDeliveryTime, MessageFlags, MessageSize, MessageClass,
/// Importance, HasAttachments, EntryId, DisplayTo, LastModificationTime.
const CONTENTS_COLUMNS: [u32; 12] = [
    0x674A0014, 0x0037001F, 0x0C1A001F, 0x0E060040, 0x0E070003, 0x0E080003, 0x001A001F, 0x00170003, 0x0E1B000B, 0x0FFF0102,
    0x0E04001F, 0x30080040,
];
/// Message properties read after RopOpenMessage: Subject, SenderName, SenderEmailAddress,
/// MessageDeliveryTime, MessageFlags, Body, InternetMessageId, Importance, HasAttachments.
const MESSAGE_PROPS: [u32; 9] = [0x0037001F, 0x0C1A001F, 0x0C1F001F, 0x0E060040, 0x0E070003, 0x1000001F, 0x1035001F, 0x00170003, 0x0E1B000B];
/// Recipient columns of RopOpenMessage: ObjectType, DisplayType, SmtpAddress, RecipientFlags,
/// RecipientTrackStatus, RecipientOrder.
const RECIPIENT_COLUMNS: [u32; 6] = [0x0FFE0003, 0x39000003, 0x39FE001F, 0x5FFD0003, 0x5FFF0003, 0x5FDF0003];
/// Store properties read at logon: MailboxOwnerName, StoreSupportMask, MaximumSubmitMessageSize,
/// MessageSizeExtended.
const STORE_PROPS: [u32; 4] = [0x661C001F, 0x340D0003, 0x666D0003, 0x0E080014];
/// Folder properties read when a notification arrives: DisplayName, ContentCount, ContentUnreadCount.
const FOLDER_PROPS: [u32; 3] = [0x3001001F, 0x36020003, 0x36030003];
/// Address book columns: DisplayName, SmtpAddress, Account, Title, DepartmentName, OfficeLocation,
/// BusinessTelephoneNumber, ObjectType, DisplayType, EntryId.
const AB_COLUMNS: [u32; 10] = [0x3001001F, 0x39FE001F, 0x3A00001F, 0x3A17001F, 0x3A18001F, 0x3A19001F, 0x3A08001F, 0x0FFE0003, 0x39000003, 0x0FFF0102];
/// Index of the Inbox in a session's folder list (the 13 logon folders come first).
const INBOX: usize = 4;
/// People in the organisation's directory (each session's address book shows a prefix of it).
const MAX_DIRECTORY: u32 = 2000;
/// MAPI_E_NOT_FOUND.
const NOT_FOUND: u32 = 0x8004_010F;

/// A folder of the mailbox.
#[derive(Clone, Debug)]
struct Folder {
    name: &'static str,
    class: Option<&'static str>,
    counter: u64,
    count: u32,
    unread: u32,
    subfolders: bool,
}

/// Which of the session's connections.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Autodiscover = 0,
    Mailbox = 1,
    Notify = 2,
    AddressBook = 3,
}

/// One scripted step of a session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    Autodiscover,
    Connect,
    Logon,
    NamedProps,
    Hierarchy,
    OpenContents(usize),
    RegisterNotify,
    StartWait { after: Ns, event: bool },
    OpenMessages(u8),
    PageContents,
    AbBind,
    AbQueryRows,
    AbResolve,
    AbUnbind,
    Idle(Ns),
    /// The laptop sleeps: the long poll ends, the connections close, time passes.
    Sleep(Ns),
    /// An Execute that finds the Session Context gone (X-ResponseCode 10).
    Expired,
    Filler,
    Disconnect,
    CloseConns,
}

impl Step {
    fn role(self) -> Option<Role> {
        match self {
            Step::Autodiscover => Some(Role::Autodiscover),
            Step::AbBind | Step::AbQueryRows | Step::AbResolve | Step::AbUnbind => Some(Role::AddressBook),
            Step::StartWait { .. } => Some(Role::Notify),
            Step::Idle(_) | Step::Sleep(_) | Step::CloseConns => None,
            _ => Some(Role::Mailbox),
        }
    }
}

/// A Session Context's client-side state (mailbox or address book).
#[derive(Clone, Debug, Default)]
struct Context {
    /// 1-based number across the capture; 0 when not connected.
    number: u32,
    request_guid: [u8; 16],
    /// The X-ClientInfo counter of this Session Context.
    client_info: u32,
    cookie: String,
    sequence: u32,
}

/// The NotificationWait in flight.
#[derive(Clone, Copy, Debug)]
struct Waiting {
    end: Ns,
    event: bool,
}

#[derive(Clone, Debug)]
struct Session {
    index: u32,
    seed: u64,
    rng: Rng,
    user: Person,
    user_dn: String,
    mailbox_id: String,
    client_ip: [u8; 4],
    client_mac: [u8; 6],
    machine: String,
    next_port: u16,
    conns: [Option<Conn>; 4],
    busy: [Ns; 4],
    mailbox_guid: [u8; 16],
    repl_guid: [u8; 16],
    server_guid: [u8; 16],
    process_guid: [u8; 16],
    client_info: [u8; 16],
    client_info_counter: u32,
    process_id: u16,
    request_counter: u64,
    aux_request_id: u16,
    last_elapsed: u32,
    ems: Context,
    nsp: Context,
    next_handle: u32,
    logon: u32,
    contents_table: u32,
    contents_folder: usize,
    contents_pos: u32,
    folder_handle: u32,
    notification: u32,
    named_base: u16,
    folders: Vec<Folder>,
    directory: u32,
    people: Arc<Vec<Person>>,
    ab_pos: u32,
    next_time: Ns,
    script: VecDeque<Step>,
    waiting: Option<Waiting>,
    notify_active: bool,
    new_mail: u32,
    /// Bulk activities left before the session ends (bulk mode).
    budget: u32,
    closing: bool,
}

/// Allocation of numbers shared by all sessions.
#[derive(Clone, Debug)]
struct Alloc {
    next_conn: u32,
    next_context: u32,
}

/// The traffic generator: an iterator of [`Event`]s.
#[derive(Clone, Debug)]
pub struct Generator {
    seed: u64,
    rng: Rng,
    alloc: Alloc,
    people: Arc<Vec<Person>>,
    sessions: Vec<Session>,
    next_session: u32,
    mode: Mode,
    /// Events produced but not yet due, by (time, production order): sessions produce events
    /// ahead of time (a connection close, a long poll), the iterator releases them in time order.
    queue: BTreeMap<(Ns, u64), Event>,
    produced: u64,
    last: Ns,
}

impl Generator {
    /// The base scenario of `seed`: two users starting Outlook.
    pub fn new(seed: u64) -> Generator {
        let (y, m, d) = BASE_DAY;
        let base = (time::days_from_civil(y, m, d) as u64 * 86_400 + 8 * 3600 + 59 * 60 + 41) * SEC;
        let mut rng = Rng::derive(seed, 0x4745_4E00);
        let base = base + rng.range(0, 999) * MS;
        let mut g = Generator {
            seed,
            rng,
            alloc: Alloc { next_conn: 0, next_context: 1 },
            people: Arc::new(data::directory(seed, MAX_DIRECTORY)),
            sessions: Vec::new(),
            next_session: 0,
            mode: Mode::Script,
            queue: BTreeMap::new(),
            produced: 0,
            last: base,
        };
        // Alice starts Outlook; Bob starts a few seconds later, reads the address book, leaves his
        // laptop asleep past X-ExpirationInfo and reconnects when he comes back.
        let mut alice = g.new_session(base, 0);
        alice.script.extend([
            Step::Autodiscover,
            Step::Connect,
            Step::Logon,
            Step::NamedProps,
            Step::Hierarchy,
            Step::OpenContents(INBOX),
            Step::RegisterNotify,
            Step::StartWait { after: 37 * SEC + 412 * MS, event: true },
            Step::AbBind,
            Step::AbQueryRows,
            Step::AbResolve,
            Step::OpenMessages(3),
            Step::Idle(9 * SEC),
            Step::OpenMessages(2),
            Step::Idle(25 * SEC),
            Step::PageContents,
            Step::Idle(20 * SEC),
            Step::AbUnbind,
            Step::Disconnect,
            Step::CloseConns,
        ]);
        let mut bob = g.new_session(base + 3 * SEC + 712 * MS, 1);
        bob.script.extend([
            Step::Autodiscover,
            Step::Connect,
            Step::Logon,
            Step::NamedProps,
            Step::Hierarchy,
            Step::AbBind,
            Step::AbQueryRows,
            Step::AbResolve,
            Step::AbUnbind,
            Step::Sleep(16 * 60 * SEC + 5 * SEC),
            Step::Expired,
            Step::Connect,
            Step::Logon,
            Step::OpenContents(INBOX),
            Step::RegisterNotify,
            Step::StartWait { after: 21 * SEC + 80 * MS, event: true },
            Step::OpenMessages(2),
            Step::Idle(30 * SEC),
            Step::Disconnect,
            Step::CloseConns,
        ]);
        g.sessions.push(alice);
        g.sessions.push(bob);
        g
    }

    /// Changes what happens after the scripts (see [`Mode`]).
    pub fn set_mode(&mut self, mode: Mode) {
        if self.mode == Mode::Closing {
            return;
        }
        self.mode = mode;
        for s in &mut self.sessions {
            match mode {
                Mode::Closing => s.begin_close(),
                Mode::Filler => s.begin_filler(),
                Mode::Script | Mode::Bulk => {}
            }
        }
    }

    /// When the first event happens.
    pub fn start_time(&self) -> Ns {
        self.sessions.iter().map(|s| s.next_time).min().unwrap_or(self.last)
    }

    /// The mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The events that closing every session now would add (for size planning).
    pub fn closing_events(&self) -> Vec<Event> {
        let mut g = self.clone();
        g.set_mode(Mode::Closing);
        g.collect()
    }

    fn new_session(&mut self, start: Ns, index: u32) -> Session {
        let seed = self.seed ^ (u64::from(index) << 40);
        let mut rng = Rng::derive(self.seed, 0x5345_5353_0000 | u64::from(index));
        let directory = 400 + rng.below((MAX_DIRECTORY - 400) as usize) as u32;
        let user_no = if index < 2 { index * 33 } else { rng.below(directory as usize) as u32 };
        let user = self.people[user_no as usize].clone();
        let host = 20 + (index % 200) as u8;
        let mailbox_guid = rng.guid();
        let inbox = if index < 2 { 58 + rng.below(30) as u32 } else { 500 + rng.below(6000) as u32 };
        let base_counter = rng.range(0x10, 0x7F) << 8;
        let mut folders = Vec::new();
        // The 13 folders of a private logon ([MS-OXCROPS] 2.2.3.1.2) first, then the IPM subtree's.
        for (i, name) in [
            "Root", "Deferred Action", "Spooler Queue", "Top of Information Store", "Inbox", "Outbox", "Sent Items", "Deleted Items",
            "Common Views", "Schedule", "Finder", "Views", "Shortcuts",
        ]
        .iter()
        .enumerate()
        {
            folders.push(Folder { name, class: None, counter: base_counter + 1 + i as u64, count: 0, unread: 0, subfolders: i == 3 });
        }
        for (name, class, count) in [
            ("Drafts", "IPF.Note", 2 + rng.below(5) as u32),
            ("Calendar", "IPF.Appointment", 40 + rng.below(300) as u32),
            ("Contacts", "IPF.Contact", 10 + rng.below(200) as u32),
            ("Journal", "IPF.Journal", 0),
            ("Notes", "IPF.StickyNote", rng.below(12) as u32),
            ("Tasks", "IPF.Task", rng.below(40) as u32),
            ("Junk Email", "IPF.Note", rng.below(30) as u32),
            ("Archive", "IPF.Note", 200 + rng.below(4000) as u32),
            ("Conversation History", "IPF.Note", rng.below(20) as u32),
            ("RSS Feeds", "IPF.Note.OutlookHomepage", 0),
            ("Sync Issues", "IPF.Note", rng.below(4) as u32),
        ] {
            let c = base_counter + 1 + folders.len() as u64;
            folders.push(Folder { name, class: Some(class), counter: c, count, unread: 0, subfolders: name == "Sync Issues" });
        }
        for (i, count) in [(4usize, inbox), (6, 100 + rng.below(2000) as u32), (7, 20 + rng.below(400) as u32), (5, 0)] {
            folders[i].class = Some("IPF.Note");
            folders[i].count = count;
            folders[i].unread = if i == 4 { 3 + rng.below(9) as u32 } else { 0 };
        }
        Session {
            index,
            seed,
            user_dn: data::legacy_dn(&user.alias),
            mailbox_id: format!("{}@contoso.com", guid_plain(&mailbox_guid)),
            client_ip: [10, 0, 5, host],
            client_mac: [0x00, 0x15, 0x5d, 0x0a, (index >> 8) as u8, host],
            machine: format!("DESKTOP-{:07X}", rng.next_u32() & 0x0FFF_FFFF),
            next_port: 50_000 + rng.below(9000) as u16,
            conns: [None; 4],
            busy: [0; 4],
            mailbox_guid,
            repl_guid: rng.guid(),
            server_guid: rng.guid(),
            process_guid: rng.guid(),
            client_info: rng.guid(),
            client_info_counter: 1 + rng.below(40) as u32,
            process_id: 2000 + rng.below(20_000) as u16,
            request_counter: rng.range(1, 400),
            aux_request_id: 1,
            last_elapsed: 0,
            ems: Context::default(),
            nsp: Context::default(),
            next_handle: 0x30 + rng.below(0x200) as u32,
            logon: 0,
            contents_table: 0,
            contents_folder: 4,
            contents_pos: 0,
            folder_handle: 0,
            notification: 0,
            named_base: 0x8006 + rng.below(0x40) as u16,
            folders,
            directory,
            people: Arc::clone(&self.people),
            ab_pos: 0,
            next_time: start,
            script: VecDeque::new(),
            waiting: None,
            notify_active: true,
            new_mail: 0,
            budget: 0,
            closing: false,
            rng,
            user,
        }
    }

    fn spawn_bulk_session(&mut self, start: Ns) {
        let index = self.next_session.max(2);
        self.next_session = index + 1;
        let mut s = self.new_session(start, index);
        s.budget = 150 + s.rng.below(300) as u32;
        s.script.extend([
            Step::Autodiscover,
            Step::Connect,
            Step::Logon,
            Step::NamedProps,
            Step::Hierarchy,
            Step::OpenContents(INBOX),
            Step::RegisterNotify,
            Step::StartWait { after: (5 + s.rng.range(0, 50)) * SEC, event: true },
            Step::AbBind,
            Step::AbQueryRows,
        ]);
        if s.rng.chance(15) {
            s.script.extend([
                Step::Sleep(16 * 60 * SEC),
                Step::Expired,
                Step::Connect,
                Step::Logon,
                Step::OpenContents(INBOX),
                Step::RegisterNotify,
                Step::StartWait { after: 30 * SEC, event: true },
            ]);
        }
        self.sessions.push(s);
    }

    /// Runs one step of the session that is due first; false when nothing is left.
    fn advance(&mut self) -> bool {
        if self.next_session < 2 {
            self.next_session = 2;
        }
        if self.mode == Mode::Bulk {
            let active = self.sessions.iter().filter(|s| !s.closing).count();
            if active < 2 {
                let start = self.last + 2 * SEC + self.rng.range(0, 3000) * MS;
                self.spawn_bulk_session(start);
            }
        }
        let mode = self.mode;
        let Some(i) = (0..self.sessions.len()).filter(|&i| self.sessions[i].wake(mode).is_some()).min_by_key(|&i| self.sessions[i].wake(mode)) else {
            return false;
        };
        let now = self.sessions[i].wake(mode).unwrap_or(self.last);
        let s = &mut self.sessions[i];
        let mut events = Vec::new();
        s.step(&mut self.alloc, mode, now, &mut events);
        if s.finished(mode) {
            self.sessions.remove(i);
        }
        for e in events {
            self.queue.insert((e.time(), self.produced), e);
            self.produced += 1;
        }
        true
    }

    /// The earliest time any session does something next.
    fn horizon(&self) -> Option<Ns> {
        self.sessions.iter().filter_map(|s| s.wake(self.mode)).min()
    }
}

impl Iterator for Generator {
    type Item = Event;

    fn next(&mut self) -> Option<Event> {
        loop {
            let due = match (self.queue.keys().next(), self.horizon()) {
                (Some(&(t, _)), Some(h)) => t <= h,
                (Some(_), None) => true,
                (None, _) => false,
            };
            if due {
                let (_, e) = self.queue.pop_first()?;
                self.last = self.last.max(e.time());
                return Some(e);
            }
            if !self.advance() && self.queue.is_empty() {
                return None;
            }
        }
    }
}

impl Session {
    /// When this session next does something, or None when it is done.
    fn wake(&self, mode: Mode) -> Option<Ns> {
        let nw = self.waiting.map(|w| {
            let role = if w.event { Role::Mailbox } else { Role::Notify };
            (w.end + 2 * MS).max(self.busy[role as usize] + MS)
        });
        let script = match self.script.front() {
            Some(step) => Some(match step.role() {
                Some(r) => self.next_time.max(self.busy[r as usize] + MS),
                None => self.next_time,
            }),
            None if self.idle_has_work(mode) => Some(self.next_time.max(self.busy[Role::Mailbox as usize] + MS)),
            None => None,
        };
        match (nw, script) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Whether an empty script gets new steps in this mode.
    fn idle_has_work(&self, mode: Mode) -> bool {
        !self.closing && self.ems.number != 0 && matches!(mode, Mode::Bulk | Mode::Filler)
    }

    fn finished(&self, mode: Mode) -> bool {
        self.script.is_empty() && self.waiting.is_none() && !self.idle_has_work(mode)
    }

    /// Replaces the rest of the script with the closing steps.
    fn begin_close(&mut self) {
        if self.closing {
            return;
        }
        self.closing = true;
        self.script.clear();
        if self.conns.iter().all(Option::is_none) && self.waiting.is_none() {
            // Not started, or asleep: nothing more goes on the wire.
            return;
        }
        if self.nsp.number != 0 {
            self.script.push_back(Step::AbUnbind);
        }
        if self.ems.number != 0 {
            self.script.push_back(Step::Disconnect);
        }
        self.script.push_back(Step::CloseConns);
    }

    /// Keeps only the steps a session needs to log on (if it has not yet) and to close.
    fn begin_filler(&mut self) {
        let connected = self.ems.number != 0;
        self.script.retain(|s| match s {
            Step::Autodiscover | Step::Connect | Step::Logon => !connected,
            Step::AbUnbind | Step::Disconnect | Step::CloseConns => true,
            _ => false,
        });
    }

    fn step(&mut self, alloc: &mut Alloc, mode: Mode, now: Ns, out: &mut Vec<Event>) {
        // The NotificationWait in flight ends first.
        if let Some(w) = self.waiting {
            let due = (w.end + 2 * MS).max(self.busy[if w.event { 1 } else { 2 }] + MS);
            if due <= now {
                self.waiting = None;
                if w.event && self.ems.number != 0 {
                    out.push(self.fetch_notifications(alloc, due));
                    if self.notify_active && !self.closing {
                        let after = (10 + self.rng.range(0, 50)) * SEC;
                        let ev = mode == Mode::Bulk && self.rng.chance(60);
                        out.push(self.notification_wait(alloc, due + 3 * MS, after, ev));
                    }
                } else if self.notify_active && !self.closing && self.ems.number != 0 {
                    let after = (20 + self.rng.range(0, 40)) * SEC;
                    let ev = mode == Mode::Bulk && self.rng.chance(50);
                    out.push(self.notification_wait(alloc, due, after, ev));
                }
                return;
            }
        }
        if self.script.is_empty() {
            self.plan(mode);
        }
        let Some(step) = self.script.pop_front() else { return };
        let t = match step.role() {
            Some(r) => self.next_time.max(self.busy[r as usize] + MS),
            None => self.next_time,
        };
        match step {
            Step::Idle(d) => self.next_time = t + d,
            Step::Disconnect | Step::CloseConns | Step::Sleep(_) if self.waiting.is_some() => {
                // Wait for the long poll to come back first.
                let end = self.waiting.map_or(t, |w| w.end);
                self.notify_active = false;
                self.next_time = self.next_time.max(end + 5 * MS);
                self.script.push_front(step);
            }
            Step::Disconnect if self.ems.number == 0 => {}
            Step::AbUnbind if self.nsp.number == 0 => {}
            Step::CloseConns | Step::Sleep(_) => {
                for r in 0..4 {
                    if let Some(c) = self.conns[r].take() {
                        out.push(Event::Close { conn: c, time: t.max(self.busy[r] + 2 * MS) });
                    }
                }
                if let Step::Sleep(d) = step {
                    self.notify_active = true;
                    self.next_time = t + d;
                }
            }
            Step::StartWait { after, event } => {
                if self.ems.number != 0 && self.waiting.is_none() {
                    out.push(self.notification_wait(alloc, t, after, event));
                }
                self.next_time = t + 2 * MS;
            }
            Step::Disconnect => {
                let x = self.execute_like(alloc, t, step);
                self.after(&x, 40);
                out.push(Event::Exchange(Box::new(x)));
            }
            _ => {
                let x = self.execute_like(alloc, t, step);
                let think = if matches!(mode, Mode::Bulk | Mode::Filler) { 20 + self.rng.range(0, 250) } else { 40 + self.rng.range(0, 900) };
                self.after(&x, think);
                out.push(Event::Exchange(Box::new(x)));
                if step == Step::Autodiscover {
                    if let Some(c) = self.conns[0].take() {
                        out.push(Event::Close { conn: c, time: self.busy[0] + MS });
                    }
                }
            }
        }
    }

    /// Chooses the next activity when the script ran out.
    fn plan(&mut self, mode: Mode) {
        match mode {
            Mode::Filler => self.script.push_back(Step::Filler),
            Mode::Bulk => {
                if self.budget == 0 {
                    self.begin_close();
                    return;
                }
                self.budget -= 1;
                let n = self.rng.below(100);
                if n < 38 {
                    self.script.push_back(Step::PageContents);
                } else if n < 78 {
                    self.script.push_back(Step::OpenMessages(2 + self.rng.below(5) as u8));
                } else if n < 88 {
                    self.script.push_back(if self.nsp.number == 0 { Step::AbBind } else { Step::AbQueryRows });
                } else if n < 93 {
                    self.script.push_back(if self.nsp.number == 0 { Step::AbBind } else { Step::AbResolve });
                } else {
                    self.script.push_back(Step::Idle((1 + self.rng.range(0, 8)) * SEC));
                }
            }
            Mode::Script | Mode::Closing => {}
        }
    }

    /// Records the end of an exchange on its connection and moves the session clock.
    fn after(&mut self, x: &Exchange, think_ms: u64) {
        let end = x.t_end();
        for r in 0..4 {
            if self.conns[r].map(|c| c.id) == Some(x.conn.id) {
                self.busy[r] = self.busy[r].max(end);
            }
        }
        self.next_time = self.next_time.max(end + think_ms * MS);
    }

    fn conn(&mut self, alloc: &mut Alloc, role: Role) -> Conn {
        let r = role as usize;
        if let Some(c) = self.conns[r] {
            return c;
        }
        let c = Conn {
            id: alloc.next_conn,
            client_ip: self.client_ip,
            client_port: self.next_port,
            client_mac: self.client_mac,
            server_ip: SERVER_IP,
            server_port: 80,
            server_mac: SERVER_MAC,
        };
        alloc.next_conn += 1;
        self.next_port = if self.next_port >= 65_000 { 49_200 } else { self.next_port + 1 + self.rng.below(3) as u16 };
        self.conns[r] = Some(c);
        c
    }

    fn handle(&mut self) -> u32 {
        self.next_handle += 1 + self.rng.below(2) as u32;
        self.next_handle
    }

    fn fid(&self, folder: usize) -> u64 {
        fid(1, self.folders.get(folder).map_or(1, |f| f.counter))
    }

    fn mid(&self, folder: usize, i: u32) -> u64 {
        fid(1, self.mid_counter(folder, i))
    }

    fn mid_counter(&self, folder: usize, i: u32) -> u64 {
        let count = self.folders.get(folder).map_or(0, |f| f.count);
        0x0100_0000 + ((folder as u64) << 20) + u64::from(count.saturating_sub(i)) + u64::from(self.new_mail)
    }

    fn message(&self, folder: usize, i: u32, with_body: bool) -> Message {
        data::message(self.seed, folder as u64, i, self.directory, with_body)
    }

    fn person(&self, i: u32) -> &Person {
        &self.people[(i % MAX_DIRECTORY) as usize]
    }

    fn named_id(&self, k: usize) -> u16 {
        self.named_base + k as u16
    }

    fn contents_columns(&self) -> Vec<u32> {
        let mut c = CONTENTS_COLUMNS.to_vec();
        c.push((u32::from(self.named_id(0)) << 16) | 0x000B);
        c
    }

    // ----- the exchanges ------------------------------------------------------------------------

    fn execute_like(&mut self, alloc: &mut Alloc, t: Ns, step: Step) -> Exchange {
        match step {
            Step::Autodiscover => self.autodiscover(alloc, t),
            Step::Connect => self.connect(alloc, t),
            Step::Disconnect => self.disconnect(alloc, t),
            Step::AbBind => self.ab_bind(alloc, t),
            Step::AbQueryRows => self.ab_query_rows(alloc, t),
            Step::AbResolve => self.ab_resolve(alloc, t),
            Step::AbUnbind => self.ab_unbind(alloc, t),
            Step::Expired => self.expired(alloc, t),
            _ => {
                let (rops, handles, out, out_handles, server_ms) = self.rops_for(step);
                self.execute(alloc, t, &rops, &handles, &out, &out_handles, server_ms)
            }
        }
    }

    /// Request and response ROP lists (each response ROP separately, for packing) and handle tables.
    #[allow(clippy::type_complexity)]
    fn rops_for(&mut self, step: Step) -> (Vec<u8>, Vec<u32>, Vec<Vec<u8>>, Vec<u32>, u32) {
        const FF: u32 = 0xFFFF_FFFF;
        let mut q = Enc::new();
        let mut out: Vec<Vec<u8>> = Vec::new();
        let mut rop = |f: &mut dyn FnMut(&mut Enc)| {
            let mut e = Enc::new();
            f(&mut e);
            out.push(e.take());
        };
        match step {
            Step::Logon => {
                req::logon(&mut q, 0, 0, 0x01, 0x0100_040C, &self.user_dn);
                req::get_receive_folder(&mut q, 0, 0, "IPM.Note");
                req::get_properties_specific(&mut q, 0, 0, &STORE_PROPS);
                self.logon = self.handle();
                let c = time::civil(self.next_time);
                let l = resp::Logon {
                    folder_ids: core::array::from_fn(|i| self.fid(i)),
                    mailbox_guid: self.mailbox_guid,
                    repl_id: 1,
                    repl_guid: self.repl_guid,
                    time: (c.second as u8, c.minute as u8, c.hour as u8, c.weekday as u8, c.day as u8, c.month as u8, c.year as u16),
                    gwart: time::filetime(self.next_time - 86_400 * SEC * 3),
                };
                let inbox = self.fid(4);
                let row = bodies::row(
                    &[Val::Str(self.user.name.clone()), Val::I32(0x0034_1E7F), Val::I32(35_840), Val::I64(180_000_000 + u64::from(self.folders[4].count) * 41_000)],
                    Ctx::Rop,
                );
                rop(&mut |e| resp::logon_private(e, 0, &l));
                rop(&mut |e| resp::get_receive_folder(e, 0, inbox, "IPM"));
                rop(&mut |e| resp::get_properties_specific(e, 0, &row));
                (q.take(), vec![FF], out, vec![self.logon], 30 + self.rng.range(0, 60) as u32)
            }
            Step::NamedProps => {
                let names: Vec<NameId> = NAMED.iter().map(|(g, l)| NameId { guid: *g, lid: *l }).collect();
                req::get_property_ids_from_names(&mut q, 0, 0, &names);
                let ids: Vec<u16> = (0..NAMED.len()).map(|k| self.named_id(k)).collect();
                rop(&mut |e| resp::get_property_ids_from_names(e, 0, &ids));
                (q.take(), vec![self.logon], out, vec![self.logon], 4 + self.rng.range(0, 10) as u32)
            }
            Step::Hierarchy => {
                req::open_folder(&mut q, 0, 0, 1, self.fid(3), 0x00);
                req::get_hierarchy_table(&mut q, 0, 1, 2, 0x00);
                req::set_columns(&mut q, 0, 2, &HIERARCHY_COLUMNS);
                req::query_rows(&mut q, 0, 2, 0x00, 100);
                let (h_folder, h_table) = (self.handle(), self.handle());
                let children: Vec<usize> = (4..self.folders.len()).filter(|&i| !(8..13).contains(&i)).collect();
                let rows: Vec<Vec<u8>> = children.iter().map(|&i| self.folder_row(i)).collect();
                let n = rows.len() as u32;
                rop(&mut |e| resp::open_folder(e, 1, false));
                rop(&mut |e| resp::get_hierarchy_table(e, 2, n));
                rop(&mut |e| resp::set_columns(e, 2));
                rop(&mut |e| resp::query_rows(e, 2, 2, &rows));
                (q.take(), vec![self.logon, FF, FF], out, vec![self.logon, h_folder, h_table], 20 + self.rng.range(0, 40) as u32)
            }
            Step::OpenContents(folder) => {
                let old = self.contents_table;
                let mut handles = vec![self.logon, FF, FF];
                if old != 0 {
                    handles.push(old);
                    req::release(&mut q, 0, 3);
                }
                req::open_folder(&mut q, 0, 0, 1, self.fid(folder), 0x00);
                req::get_contents_table(&mut q, 0, 1, 2, 0x00);
                let cols = self.contents_columns();
                req::set_columns(&mut q, 0, 2, &cols);
                let page = 40 + self.rng.below(20) as u16;
                req::query_rows(&mut q, 0, 2, 0x00, page);
                let (h_folder, h_table) = (self.handle(), self.handle());
                self.contents_folder = folder;
                self.contents_table = h_table;
                self.folder_handle = h_folder;
                self.contents_pos = 0;
                let count = self.folders[folder].count;
                let rows = self.contents_rows(page);
                let origin = if self.contents_pos >= count { 2 } else { 1 };
                rop(&mut |e| resp::open_folder(e, 1, folder == 4));
                rop(&mut |e| resp::get_contents_table(e, 2, count));
                rop(&mut |e| resp::set_columns(e, 2));
                rop(&mut |e| resp::query_rows(e, 2, origin, &rows));
                let mut out_handles = vec![self.logon, h_folder, h_table];
                if old != 0 {
                    out_handles.push(old);
                }
                (q.take(), handles, out, out_handles, 40 + self.rng.range(0, 120) as u32)
            }
            Step::PageContents => {
                if self.contents_table == 0 || self.contents_pos >= self.folders[self.contents_folder].count {
                    // Next folder with messages.
                    let next = [4usize, 6, 20, 7].iter().copied().find(|&f| f != self.contents_folder && self.folders[f].count > 0).unwrap_or(4);
                    return self.rops_for(Step::OpenContents(next));
                }
                let page = 40 + self.rng.below(30) as u16;
                req::query_rows(&mut q, 0, 0, 0x00, page);
                let rows = self.contents_rows(page);
                let origin = if self.contents_pos >= self.folders[self.contents_folder].count { 2 } else { 1 };
                rop(&mut |e| resp::query_rows(e, 0, origin, &rows));
                (q.take(), vec![self.contents_table], out, vec![self.contents_table], 15 + self.rng.range(0, 80) as u32)
            }
            Step::RegisterNotify => {
                req::register_notification(&mut q, 0, 0, 1, 0x02 | 0x04 | 0x08 | 0x10 | 0x20);
                self.notification = self.handle();
                rop(&mut |e| resp::register_notification(e, 1));
                (q.take(), vec![self.logon, FF], out, vec![self.logon, self.notification], 3 + self.rng.range(0, 6) as u32)
            }
            Step::OpenMessages(n) => {
                if self.contents_table == 0 || self.folder_handle == 0 {
                    return self.rops_for(Step::OpenContents(INBOX));
                }
                let folder = self.contents_folder;
                let count = self.folders[folder].count.max(1);
                let mut handles = vec![self.logon, self.folder_handle];
                let mut out_handles = handles.clone();
                let first = self.rng.below(self.contents_pos.clamp(1, count) as usize) as u32;
                let mut size = 0usize;
                let mut bytes = 0;
                for k in 0..n {
                    let i = (first + u32::from(k) * 2) % count;
                    let idx = 2 + k;
                    req::open_message(&mut q, 0, 1, idx, self.fid(folder), self.mid(folder, i));
                    let mut props = MESSAGE_PROPS.to_vec();
                    props.push((u32::from(self.named_id(0)) << 16) | 0x000B);
                    req::get_properties_specific(&mut q, 0, idx, &props);
                    req::release(&mut q, 0, idx);
                    handles.push(FF);
                    out_handles.push(self.handle());
                    let m = self.message(folder, i, true);
                    let recipients: Vec<resp::Recipient> = m
                        .recipients
                        .iter()
                        .map(|&(kind, p)| (kind, self.person(p)))
                        .enumerate()
                        .map(|(order, (kind, p))| resp::Recipient {
                            kind,
                            name: p.name.clone(),
                            dn: data::legacy_dn(&p.alias),
                            properties: bodies::row(
                                &[Val::I32(6), Val::I32(0), Val::Str(p.smtp.clone()), Val::I32(1), Val::I32(0), Val::I32(order as i32)],
                                Ctx::Rop,
                            ),
                        })
                        .collect();
                    let delivered = time::filetime(self.next_time.saturating_sub(m.age_s * SEC));
                    let row = bodies::row(
                        &[
                            Val::Str(format!("{}{}", m.prefix, m.subject)),
                            Val::Str(self.person(m.sender).name.clone()),
                            Val::Str(self.person(m.sender).smtp.clone()),
                            Val::Time(delivered),
                            Val::I32(m.flags as i32),
                            Val::Str(format!("{}{}", m.body, self.person(m.sender).name)),
                            Val::Str(format!("<{:x}{:04x}@{}.contoso.com>", self.mid_counter(folder, i), i, "MBX01")),
                            Val::I32(m.importance),
                            Val::Bool(m.has_attachments),
                            if m.reminder { Val::Bool(true) } else { Val::Err(NOT_FOUND) },
                        ],
                        Ctx::Rop,
                    );
                    bytes += row.len();
                    size += 1;
                    let prefix = m.prefix.to_string();
                    let subject = m.subject.clone();
                    rop(&mut |e| resp::open_message(e, idx, &prefix, &subject, &RECIPIENT_COLUMNS, &recipients));
                    rop(&mut |e| resp::get_properties_specific(e, idx, &row));
                }
                let ms = 8 + size as u32 * 6 + (bytes / 4000) as u32 + self.rng.range(0, 30) as u32;
                (q.take(), handles, out, out_handles, ms)
            }
            Step::Filler => {
                if self.folder_handle == 0 {
                    req::get_properties_specific(&mut q, 0, 0, &STORE_PROPS[..2]);
                    let row = bodies::row(&[Val::Str(self.user.name.clone()), Val::I32(0x0034_1E7F)], Ctx::Rop);
                    rop(&mut |e| resp::get_properties_specific(e, 0, &row));
                    return (q.take(), vec![self.logon], out, vec![self.logon], 2 + self.rng.range(0, 5) as u32);
                }
                req::get_properties_specific(&mut q, 0, 0, &FOLDER_PROPS);
                let f = &self.folders[self.contents_folder];
                let row = bodies::row(&[Val::Str(f.name.to_string()), Val::I32(f.count as i32), Val::I32(f.unread as i32)], Ctx::Rop);
                rop(&mut |e| resp::get_properties_specific(e, 0, &row));
                (q.take(), vec![self.folder_handle], out, vec![self.folder_handle], 2 + self.rng.range(0, 5) as u32)
            }
            _ => (Vec::new(), Vec::new(), Vec::new(), Vec::new(), 1),
        }
    }

    fn folder_row(&self, i: usize) -> Vec<u8> {
        let f = &self.folders[i];
        let mut eid = Enc::new();
        eid.u32(0).bytes(&self.mailbox_guid).u16(0x0001).bytes(&self.repl_guid).bytes(&counter6(f.counter)).u16(0);
        bodies::row(
            &[
                Val::Str(f.name.to_string()),
                Val::I64(self.fid(i)),
                Val::I32(f.count as i32),
                Val::I32(f.unread as i32),
                Val::Bool(f.subfolders),
                match f.class {
                    Some(c) => Val::Str(c.to_string()),
                    None => Val::Err(NOT_FOUND),
                },
                Val::Bin(eid.take()),
                Val::I64(self.fid(3)),
                Val::I32(1),
                Val::I32((u64::from(f.count) * 41_233 % 0x7FFF_FFFF) as i32),
            ],
            Ctx::Rop,
        )
    }

    /// The next `page` rows of the open contents table.
    fn contents_rows(&mut self, page: u16) -> Vec<Vec<u8>> {
        let folder = self.contents_folder;
        let count = self.folders[folder].count;
        let mut rows = Vec::new();
        while rows.len() < usize::from(page) && self.contents_pos < count {
            let i = self.contents_pos;
            let m = self.message(folder, i, false);
            let mut eid = Enc::new();
            eid.u32(0).bytes(&self.mailbox_guid).u16(0x0007).bytes(&self.repl_guid).bytes(&counter6(self.folders[folder].counter)).u16(0);
            eid.bytes(&self.repl_guid).bytes(&counter6(self.mid_counter(folder, i))).u16(0);
            let delivered = time::filetime(self.next_time.saturating_sub(m.age_s * SEC));
            let to: Vec<&str> = m.recipients.iter().filter(|(k, _)| *k == 1).map(|&(_, p)| self.person(p).name.as_str()).collect();
            rows.push(bodies::row(
                &[
                    Val::I64(self.mid(folder, i)),
                    Val::Str(format!("{}{}", m.prefix, m.subject)),
                    Val::Str(self.person(m.sender).name.clone()),
                    Val::Time(delivered),
                    Val::I32(m.flags as i32),
                    Val::I32(m.size),
                    Val::Str("IPM.Note".into()),
                    Val::I32(m.importance),
                    Val::Bool(m.has_attachments),
                    Val::Bin(eid.take()),
                    Val::Str(to.join("; ")),
                    Val::Time(delivered + 1_200_000_000),
                    if m.reminder { Val::Bool(true) } else { Val::Err(NOT_FOUND) },
                ],
                Ctx::Rop,
            ));
            self.contents_pos += 1;
        }
        rows
    }

    /// The Execute after a NotificationWait reported an event: folder counts, RopNotify, RopPending.
    fn fetch_notifications(&mut self, alloc: &mut Alloc, t: Ns) -> Event {
        let folder = if self.folder_handle != 0 { self.contents_folder } else { 4 };
        let h = if self.folder_handle != 0 { self.folder_handle } else { self.logon };
        self.new_mail += 1;
        self.folders[folder].count += 1;
        self.folders[folder].unread += 1;
        let f = self.folders[folder].clone();
        let mut q = Enc::new();
        req::get_properties_specific(&mut q, 0, 0, &FOLDER_PROPS);
        let row = bodies::row(&[Val::Str(f.name.to_string()), Val::I32(f.count as i32), Val::I32(f.unread as i32)], Ctx::Rop);
        let mut out = vec![Enc::new(), Enc::new(), Enc::new(), Enc::new()];
        resp::get_properties_specific(&mut out[0], 0, &row);
        let mid = fid(1, 0x0100_0000 + ((folder as u64) << 20) + u64::from(f.count) + u64::from(self.new_mail));
        resp::notify_new_mail(&mut out[1], self.notification, 0, self.fid(folder), mid, 0x0000_0004, "IPM.Note");
        resp::notify_folder_modified(&mut out[2], self.notification, 0, self.fid(folder), f.count, f.unread);
        resp::pending(&mut out[3], 0);
        let out: Vec<Vec<u8>> = out.into_iter().map(|mut e| e.take()).collect();
        let ms = 3 + self.rng.range(0, 8) as u32;
        let x = self.execute(alloc, t, &q.take(), &[h], &out, &[h], ms);
        self.after(&x, 30);
        Event::Exchange(Box::new(x))
    }

    #[allow(clippy::too_many_arguments)]
    fn execute(&mut self, alloc: &mut Alloc, t: Ns, rops: &[u8], handles: &[u32], out: &[Vec<u8>], out_handles: &[u32], server_ms: u32) -> Exchange {
        // Outlook obfuscates its ROP buffer and compresses it when that helps; Flags 0 lets the
        // server compress (and here obfuscate) the response.
        let unit = bodies::ext_unit(&bodies::rop_payload(rops, handles), bodies::COMPRESSED | bodies::XOR_MAGIC | bodies::LAST);
        let body = bodies::execute_request(0, &unit, &self.request_aux(true));
        // Pack the response ROPs into units below MAX_UNIT each.
        let mut units: Vec<Vec<u8>> = vec![Vec::new()];
        for r in out {
            let cur = units.last().map_or(0, Vec::len);
            if cur > 0 && cur + r.len() + 2 + 4 * out_handles.len() > MAX_UNIT {
                units.push(Vec::new());
            }
            if let Some(u) = units.last_mut() {
                u.extend_from_slice(r);
            }
        }
        let n = units.len();
        let flags_for = |i: usize| -> u16 {
            let last = if i + 1 == n { bodies::LAST } else { 0 };
            if i.is_multiple_of(2) {
                bodies::COMPRESSED | bodies::XOR_MAGIC | last
            } else {
                bodies::COMPRESSED | last
            }
        };
        let rop_buffer: Vec<u8> = units.iter().enumerate().map(|(i, u)| bodies::ext_unit(&bodies::rop_payload(u, out_handles), flags_for(i))).collect::<Vec<_>>().concat();
        let response = bodies::execute_response(&rop_buffer, &[]);
        self.mapi(alloc, Role::Mailbox, t, RequestType::Execute, body, response, server_ms, 0)
    }

    /// The client's auxiliary blocks of an ordinary request: AUX_PERF_REQUESTID and the timing of
    /// the previous request.
    fn request_aux(&mut self, mailbox: bool) -> Vec<Vec<u8>> {
        self.aux_request_id = self.aux_request_id.wrapping_add(1);
        let mut v = vec![aux::perf_request_id(self.index as u16 + 1, self.aux_request_id)];
        if self.last_elapsed > 0 {
            let id = self.aux_request_id.wrapping_sub(1);
            v.push(if mailbox {
                aux::perf_mdb_success_v2(1, 1, 1, self.index as u16 + 1, id, 120 + self.rng.range(0, 900) as u32, self.last_elapsed + 2)
            } else {
                aux::perf_gc_success_v2(1, 1, 2, self.index as u16 + 1, 200 + self.rng.range(0, 900) as u32, self.last_elapsed + 1, 0x02)
            });
        }
        v
    }

    fn connect(&mut self, alloc: &mut Alloc, t: Ns) -> Exchange {
        self.client_info_counter += 1;
        self.ems = Context { number: alloc.next_context, request_guid: self.rng.guid(), client_info: self.client_info_counter, cookie: String::new(), sequence: 0 };
        alloc.next_context += 1;
        self.logon = 0;
        self.contents_table = 0;
        self.folder_handle = 0;
        self.notification = 0;
        let client_aux = vec![
            aux::perf_client_info(1, &self.machine, &self.user.alias, self.client_ip, "Intel(R) Ethernet Connection (7) I219-LM", self.client_mac),
            aux::perf_session_info_v2(self.index as u16 + 1, &self.ems.request_guid, 1),
            aux::perf_process_info(self.process_id, &self.process_guid, "OUTLOOK.EXE"),
            aux::client_connection_info(&self.client_info, 1, 0, &format!("{{\"ConnectionReason\":\"Startup\",\"Session\":{}}}", self.index)),
        ];
        let body = bodies::connect_request(&self.user_dn, 1252, 0x409, &client_aux);
        let server_aux = vec![
            aux::client_control(0x01 | 0x04 | 0x08, 60_000),
            aux::os_version_info(10, 0, 20_348),
            aux::ex_org_info(0x01),
            aux::perf_server_info(1, 1, "/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Configuration/cn=Servers/cn=MBX01", "MBX01"),
            aux::server_session_info(&format!("{{\"Server\":\"MBX01.corp.contoso.com\",\"Session\":{}}}", self.ems.number)),
            aux::endpoint_capabilities(0x01),
        ];
        let response = bodies::connect_response(60_000, 6, 10_000, &format!("{DN_PREFIX}/cn=Recipients"), &self.user.name, &server_aux);
        let ms = 60 + self.rng.range(0, 140) as u32;
        self.mapi(alloc, Role::Mailbox, t, RequestType::Connect, body, response, ms, 0)
    }

    fn disconnect(&mut self, alloc: &mut Alloc, t: Ns) -> Exchange {
        let aux = self.request_aux(true);
        let x = self.mapi(alloc, Role::Mailbox, t, RequestType::Disconnect, bodies::aux_only_request(&aux), bodies::empty_response(), 5, 0);
        self.ems = Context::default();
        x
    }

    fn expired(&mut self, alloc: &mut Alloc, t: Ns) -> Exchange {
        // The Execute Outlook sends after waking up: the server no longer has the Session Context.
        let mut q = Enc::new();
        req::get_properties_specific(&mut q, 0, 0, &STORE_PROPS);
        let unit = bodies::ext_unit(&bodies::rop_payload(&q.take(), &[self.logon]), bodies::XOR_MAGIC | bodies::LAST);
        let body = bodies::execute_request(0, &unit, &self.request_aux(true));
        let x = self.mapi(alloc, Role::Mailbox, t, RequestType::Execute, body, Vec::new(), 1, 10);
        self.ems.number = 0;
        x
    }

    fn notification_wait(&mut self, alloc: &mut Alloc, t: Ns, after: Ns, event: bool) -> Event {
        let body = bodies::notification_wait_request(&[aux::perf_request_id(self.index as u16 + 1, self.aux_request_id)]);
        let ms = (after / MS) as u32;
        let x = self.mapi(alloc, Role::Notify, t, RequestType::NotificationWait, body, bodies::notification_wait_response(event), ms, 0);
        self.busy[Role::Notify as usize] = x.t_end();
        self.waiting = Some(Waiting { end: x.t_end(), event });
        Event::Exchange(Box::new(x))
    }

    // ----- address book ----------------------------------------------------------------------

    fn ab_bind(&mut self, alloc: &mut Alloc, t: Ns) -> Exchange {
        self.client_info_counter += 1;
        self.nsp = Context { number: alloc.next_context, request_guid: self.rng.guid(), client_info: self.client_info_counter, cookie: String::new(), sequence: 0 };
        alloc.next_context += 1;
        self.ab_pos = 0;
        let aux = vec![
            aux::perf_request_id(self.index as u16 + 1, 1),
            aux::perf_session_info_v2(self.index as u16 + 1, &self.nsp.request_guid, 2),
            aux::perf_process_info(self.process_id, &self.process_guid, "OUTLOOK.EXE"),
        ];
        let ms = 8 + self.rng.range(0, 30) as u32;
        self.mapi(alloc, Role::AddressBook, t, RequestType::Bind, bodies::bind_request(&aux), bodies::bind_response(&self.server_guid), ms, 0)
    }

    fn ab_row(&self, i: u32) -> Vec<u8> {
        let p = self.person(i).clone();
        let mut eid = Enc::new();
        eid.u8(0x87).u8(0).u8(0).u8(0).bytes(&self.server_guid).u32(1).u32(0).u32(0x1000 + i);
        bodies::row(
            &[
                Val::Str(p.name),
                Val::Str(p.smtp),
                Val::Str(p.alias),
                Val::Str(p.title),
                Val::Str(p.department),
                if i % 7 == 3 { Val::Err(NOT_FOUND) } else { Val::Str(p.office) },
                Val::Str(p.phone),
                Val::I32(6),
                Val::I32(0),
                Val::Bin(eid.take()),
            ],
            Ctx::Ab,
        )
    }

    fn ab_query_rows(&mut self, alloc: &mut Alloc, t: Ns) -> Exchange {
        if self.nsp.number == 0 {
            return self.ab_bind(alloc, t);
        }
        if self.ab_pos >= self.directory {
            self.ab_pos = 0;
        }
        let page = (40 + self.rng.below(30) as u32).min(self.directory - self.ab_pos);
        let start = Stat { current: if self.ab_pos == 0 { 0 } else { 0x1000 + self.ab_pos }, delta: 0, num_pos: self.ab_pos, total: self.directory };
        let aux = self.request_aux(false);
        let body = bodies::query_rows_request(&start, page, &AB_COLUMNS, &aux);
        let rows: Vec<Vec<u8>> = (self.ab_pos..self.ab_pos + page).map(|i| self.ab_row(i)).collect();
        self.ab_pos += page;
        let end = Stat { current: if self.ab_pos >= self.directory { 2 } else { 0x1000 + self.ab_pos }, delta: 0, num_pos: self.ab_pos, total: self.directory };
        let response = bodies::query_rows_response(&end, &AB_COLUMNS, &rows);
        let ms = 10 + self.rng.range(0, 50) as u32;
        self.mapi(alloc, Role::AddressBook, t, RequestType::QueryRows, body, response, ms, 0)
    }

    fn ab_resolve(&mut self, alloc: &mut Alloc, t: Ns) -> Exchange {
        if self.nsp.number == 0 {
            return self.ab_bind(alloc, t);
        }
        let who = self.rng.below(self.directory as usize) as u32;
        let p = self.person(who).clone();
        let cols = [0x3001001F, 0x39FE001F, 0x3A00001F, 0x0FFE0003, 0x39000003, 0x0FFF0102];
        let name = p.alias.clone();
        let body = bodies::resolve_names_request(&Stat::default(), &cols, &[&name, "Facilities Team"], &self.request_aux(false));
        let mut eid = Enc::new();
        eid.u8(0x87).u8(0).u8(0).u8(0).bytes(&self.server_guid).u32(1).u32(0).u32(0x1000 + who);
        let row = bodies::row(&[Val::Str(p.name), Val::Str(p.smtp), Val::Str(p.alias), Val::I32(6), Val::I32(0), Val::Bin(eid.take())], Ctx::Ab);
        let response = bodies::resolve_names_response(&[0x1000 + who, 0], &cols, &[row]);
        let ms = 6 + self.rng.range(0, 20) as u32;
        self.mapi(alloc, Role::AddressBook, t, RequestType::ResolveNames, body, response, ms, 0)
    }

    fn ab_unbind(&mut self, alloc: &mut Alloc, t: Ns) -> Exchange {
        let aux = self.request_aux(false);
        let x = self.mapi(alloc, Role::AddressBook, t, RequestType::Unbind, bodies::unbind_request(&aux), bodies::empty_response(), 2, 0);
        self.nsp = Context::default();
        x
    }

    // ----- HTTP --------------------------------------------------------------------------------

    fn autodiscover(&mut self, alloc: &mut Alloc, t: Ns) -> Exchange {
        let conn = self.conn(alloc, Role::Autodiscover);
        let body = format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006\">\r\n  <Request>\r\n    <EMailAddress>{}</EMailAddress>\r\n    <AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>\r\n  </Request>\r\n</Autodiscover>\r\n",
            self.user.smtp
        )
        .into_bytes();
        let headers = vec![
            ("Cache-Control".to_string(), "no-cache".to_string()),
            ("Connection".to_string(), "Keep-Alive".to_string()),
            ("Pragma".to_string(), "no-cache".to_string()),
            ("Content-Type".to_string(), "text/xml".to_string()),
            ("User-Agent".to_string(), USER_AGENT.to_string()),
            ("X-MapiHttpCapability".to_string(), "1".to_string()),
            ("X-AnchorMailbox".to_string(), self.user.smtp.clone()),
            ("X-ClientCanHandle".to_string(), "Negotiate,ExHttpInfo".to_string()),
            ("Content-Length".to_string(), body.len().to_string()),
            ("Host".to_string(), AUTODISCOVER_HOST.to_string()),
        ];
        let deployment = guid_plain(&self.rng.guid());
        let xml = format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006\">\r\n  <Response xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a\">\r\n    <User>\r\n      <DisplayName>{name}</DisplayName>\r\n      <LegacyDN>{dn}</LegacyDN>\r\n      <AutoDiscoverSMTPAddress>{smtp}</AutoDiscoverSMTPAddress>\r\n      <DeploymentId>{deployment}</DeploymentId>\r\n    </User>\r\n    <Account>\r\n      <AccountType>email</AccountType>\r\n      <Action>settings</Action>\r\n      <MicrosoftOnline>False</MicrosoftOnline>\r\n      <Protocol Type=\"mapiHttp\" Version=\"1\">\r\n        <MailStore>\r\n          <InternalUrl>https://mbx01.corp.contoso.com/mapi/emsmdb/?MailboxId={id}</InternalUrl>\r\n          <ExternalUrl>https://{host}/mapi/emsmdb/?MailboxId={id}</ExternalUrl>\r\n        </MailStore>\r\n        <AddressBook>\r\n          <InternalUrl>https://mbx01.corp.contoso.com/mapi/nspi/?MailboxId={id}</InternalUrl>\r\n          <ExternalUrl>https://{host}/mapi/nspi/?MailboxId={id}</ExternalUrl>\r\n        </AddressBook>\r\n      </Protocol>\r\n      <Protocol>\r\n        <Type>WEB</Type>\r\n        <Internal>\r\n          <OWAUrl AuthenticationMethod=\"Basic, Fba\">https://{host}/owa/</OWAUrl>\r\n          <Protocol>\r\n            <Type>EXCH</Type>\r\n            <ASUrl>https://{host}/EWS/Exchange.asmx</ASUrl>\r\n          </Protocol>\r\n        </Internal>\r\n      </Protocol>\r\n    </Account>\r\n  </Response>\r\n</Autodiscover>\r\n",
            name = self.user.name,
            dn = self.user_dn,
            smtp = self.user.smtp,
            id = self.mailbox_id,
            host = HOST,
        )
        .into_bytes();
        let first = t + transmit_ns(body.len() + 500) + RTT + (25 + self.rng.range(0, 60)) * MS;
        let resp_headers = vec![
            ("Cache-Control".to_string(), "private".to_string()),
            ("Content-Type".to_string(), "text/xml; charset=utf-8".to_string()),
            ("Server".to_string(), "Microsoft-IIS/10.0".to_string()),
            ("request-id".to_string(), guid_plain(&self.rng.guid())),
            ("X-CalculatedBETarget".to_string(), "mbx01.corp.contoso.com".to_string()),
            ("X-DiagInfo".to_string(), "MBX01".to_string()),
            ("X-BEServer".to_string(), "MBX01".to_string()),
            ("X-AspNet-Version".to_string(), "4.0.30319".to_string()),
            ("X-Powered-By".to_string(), "ASP.NET".to_string()),
            ("X-FEServer".to_string(), "CAS01".to_string()),
            ("Date".to_string(), time::http_date(first)),
            ("Content-Length".to_string(), xml.len().to_string()),
        ];
        Exchange {
            conn,
            host: AUTODISCOVER_HOST.to_string(),
            method: "POST".into(),
            target: "/autodiscover/autodiscover.xml".into(),
            req_headers: headers,
            req_body: body,
            t_request: t,
            status: 200,
            reason: "OK".into(),
            resp_headers,
            chunked: false,
            parts: vec![Part { time: first, data: xml }],
            kind: Kind::Autodiscover,
            context: 0,
            user: self.user.name.clone(),
            transport_error: false,
            close: true,
        }
    }

    /// A MAPI/HTTP exchange: headers, cookies, the meta-tag response with PENDING keep-alives.
    #[allow(clippy::too_many_arguments)]
    fn mapi(&mut self, alloc: &mut Alloc, role: Role, t: Ns, rt: RequestType, body: Vec<u8>, binary: Vec<u8>, server_ms: u32, response_code: u32) -> Exchange {
        let conn = self.conn(alloc, role);
        let nspi = role == Role::AddressBook;
        let endpoint = if nspi { "nspi" } else { "emsmdb" };
        let new_context = matches!(rt, RequestType::Connect | RequestType::Bind);
        self.request_counter += 1;
        let ctx = if nspi { self.nsp.clone() } else { self.ems.clone() };
        let mut headers = vec![
            ("Cache-Control".to_string(), "no-cache".to_string()),
            ("Pragma".to_string(), "no-cache".to_string()),
            ("Content-Type".to_string(), "application/mapi-http".to_string()),
            ("X-RequestType".to_string(), rt.token().to_string()),
            ("X-ClientInfo".to_string(), format!("{}:{}", guid_text(&self.client_info), ctx.client_info)),
            ("X-ClientApplication".to_string(), OUTLOOK.to_string()),
            ("X-RequestId".to_string(), format!("{}:{}", guid_text(&ctx.request_guid), self.request_counter)),
            ("User-Agent".to_string(), USER_AGENT.to_string()),
            ("Host".to_string(), HOST.to_string()),
            ("Content-Length".to_string(), body.len().to_string()),
            ("Connection".to_string(), "Keep-Alive".to_string()),
        ];
        if !new_context && !ctx.cookie.is_empty() {
            headers.push(("Cookie".to_string(), format!("MapiContext={}; MapiSequence={}", ctx.cookie, sequence_text(&ctx))));
        }
        // Timing: the request goes out, the server answers PROCESSING at once, PENDING every
        // X-PendingPeriod while it works, then DONE with the body.
        let sent = t + transmit_ns(body.len() + 700);
        let first = sent + RTT + 300_000 + self.rng.range(0, 400) * 1000;
        let work = Ns::from(server_ms) * MS;
        let pendings = if response_code == 0 { (work / PENDING_PERIOD) as u32 } else { 0 };
        let done = first + work.max(200_000);
        let mut resp_headers = vec![
            ("Cache-Control".to_string(), "private".to_string()),
            ("Transfer-Encoding".to_string(), "chunked".to_string()),
            ("Content-Type".to_string(), "application/mapi-http".to_string()),
            ("Server".to_string(), "Microsoft-IIS/10.0".to_string()),
            ("request-id".to_string(), guid_plain(&self.rng.guid())),
        ];
        let path = format!("/mapi/{endpoint}/");
        if response_code == 0 {
            let c = if nspi { &mut self.nsp } else { &mut self.ems };
            if new_context {
                let mut r = Rng::derive(self.seed, u64::from(c.number) << 8);
                c.cookie = super::enc::base64(&r.bytes(48));
                resp_headers.push(("Set-Cookie".to_string(), format!("MapiContext={}; path={path}; secure; HttpOnly", c.cookie)));
            }
            if matches!(rt, RequestType::Disconnect | RequestType::Unbind) {
                resp_headers.push(("Set-Cookie".to_string(), format!("MapiContext=; expires=Thu, 01-Jan-1970 00:00:00 GMT; path={path}")));
                resp_headers.push(("Set-Cookie".to_string(), format!("MapiSequence=; expires=Thu, 01-Jan-1970 00:00:00 GMT; path={path}")));
            } else if rt != RequestType::NotificationWait {
                c.sequence += 1;
                let seq = sequence_text(c);
                resp_headers.push(("Set-Cookie".to_string(), format!("MapiSequence={seq}; path={path}; secure; HttpOnly")));
            }
        }
        resp_headers.extend([
            ("X-CalculatedBETarget".to_string(), "mbx01.corp.contoso.com".to_string()),
            ("X-ClientInfo".to_string(), headers[4].1.clone()),
            ("X-RequestId".to_string(), headers[6].1.clone()),
            ("X-RequestType".to_string(), rt.token().to_string()),
            ("X-ResponseCode".to_string(), response_code.to_string()),
            ("X-ServerApplication".to_string(), EXCHANGE.to_string()),
            ("X-PendingPeriod".to_string(), (PENDING_PERIOD / MS).to_string()),
            ("X-ExpirationInfo".to_string(), EXPIRATION_MS.to_string()),
            ("X-DiagInfo".to_string(), "MBX01".to_string()),
            ("X-BEServer".to_string(), "MBX01".to_string()),
            ("X-Powered-By".to_string(), "ASP.NET".to_string()),
            ("X-FEServer".to_string(), "CAS01".to_string()),
            ("Date".to_string(), time::http_date(first)),
        ]);
        let mut parts = vec![Part { time: first, data: b"PROCESSING\r\n".to_vec() }];
        for k in 1..=pendings {
            parts.push(Part { time: first + Ns::from(k) * PENDING_PERIOD, data: b"PENDING\r\n".to_vec() });
        }
        let mut tail = format!("DONE\r\nX-ResponseCode: {response_code}\r\n").into_bytes();
        if response_code == 0 {
            tail.extend_from_slice(format!("X-ElapsedTime: {server_ms}\r\nX-StartTime: {}\r\n", time::http_date(sent)).as_bytes());
        }
        tail.extend_from_slice(b"\r\n");
        tail.extend_from_slice(&binary);
        // IIS sends a large body in chunks of at most 16 KB, back to back.
        let mut at = done;
        for (i, piece) in tail.chunks(16 * 1024).enumerate() {
            if i > 0 {
                at += transmit_ns(16 * 1024);
            }
            parts.push(Part { time: at, data: piece.to_vec() });
        }
        self.last_elapsed = server_ms;
        Exchange {
            conn,
            host: HOST.to_string(),
            method: "POST".into(),
            target: format!("/mapi/{endpoint}/?MailboxId={}", self.mailbox_id),
            req_headers: headers,
            req_body: body,
            t_request: t,
            status: 200,
            reason: "OK".into(),
            resp_headers,
            chunked: true,
            parts,
            kind: Kind::Mapi(rt),
            context: ctx.number.max(if nspi { self.nsp.number } else { self.ems.number }),
            user: self.user.name.clone(),
            transport_error: response_code != 0,
            close: false,
        }
    }
}

/// The MapiSequence cookie value: a counter and an opaque tail, as Exchange sets it.
fn sequence_text(c: &Context) -> String {
    let mut r = Rng::derive(u64::from(c.number), u64::from(c.sequence));
    format!("{}-{}", c.sequence, super::enc::base64(&r.bytes(6)))
}
