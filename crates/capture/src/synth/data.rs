//! Names, words and the deterministic mailbox and directory contents the sessions show: messages
//! and people are functions of (seed, index), so paging through a large table needs no memory.

use super::rng::Rng;

/// First names of the simulated people.
pub const FIRST: [&str; 32] = [
    "Alice", "Bob", "Carol", "David", "Erin", "Frank", "Grace", "Henry", "Irene", "Jamal", "Karin", "Liam", "Maria", "Nikhil",
    "Olivia", "Pavel", "Quinn", "Rosa", "Samir", "Tanja", "Ulrich", "Vera", "Wei", "Ximena", "Yusuf", "Zoe", "Aiko", "Bruno",
    "Chen", "Dana", "Emil", "Fatima",
];

/// Last names.
pub const LAST: [&str; 24] = [
    "Wood", "Example", "Nguyen", "Schmidt", "Okafor", "Rossi", "Kowalski", "Tanaka", "Silva", "Haddad", "Johansson", "Murphy",
    "Novak", "Dubois", "Garcia", "Ivanova", "Kim", "Larsen", "Mendes", "Patel", "Quispe", "Richter", "Sato", "Weber",
];

const TITLES: [&str; 10] = [
    "Account Manager", "Software Engineer", "Financial Analyst", "Office Manager", "Sales Director", "HR Specialist",
    "Support Engineer", "Product Owner", "Controller", "Marketing Lead",
];
const DEPARTMENTS: [&str; 8] = ["Sales", "Engineering", "Finance", "Facilities", "Human Resources", "Support", "Marketing", "Legal"];
const OFFICES: [&str; 6] = ["Building 1/1021", "Building 2/2104", "Redmond 4/412", "Berlin 3.07", "Remote", "Lisbon 2.11"];

const SUBJECT_A: [&str; 16] = [
    "Quarterly report", "Project Falcon", "Team offsite", "Budget review", "Customer escalation", "Release 4.2", "Travel request",
    "Contract renewal", "Weekly sync", "Server maintenance", "Hiring plan", "Invoice 2026-0113", "Design review",
    "Security training", "Holiday schedule", "Board presentation",
];
const SUBJECT_B: [&str; 10] = [
    "", " - draft", " - action required", " follow-up", " (updated)", " notes", " - please review", " agenda",
    " - final", " questions",
];
const PREFIXES: [&str; 4] = ["", "", "RE: ", "FW: "];

const SENTENCES: [&str; 20] = [
    "Thanks for the update, this looks good to me.",
    "Please find the figures for the last quarter attached.",
    "Can we move the meeting to Thursday afternoon?",
    "The build passed on all platforms after the last fix.",
    "I have added my comments inline, mostly small wording changes.",
    "The customer confirmed the new delivery date this morning.",
    "Let me know if you need anything else before the deadline.",
    "We still need sign-off from finance before we can order.",
    "The maintenance window is Saturday from 22:00 to 02:00.",
    "Room 2104 is booked, coffee will be there at nine.",
    "I spoke with legal and they are fine with clause 7.",
    "The numbers in the second table do not add up yet.",
    "Could you forward this to the rest of the team?",
    "Our next release candidate is planned for the end of the month.",
    "Remember to submit your travel expenses by Friday.",
    "The draft is in the shared folder under Reports/2026.",
    "Ticket 48213 was closed after the patch was deployed.",
    "I will be out of office next week with limited access to email.",
    "Attached is the agenda; please add your topics.",
    "Great work everyone, the launch went smoothly.",
];

/// A person in the directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    /// Display name.
    pub name: String,
    /// Account (alias).
    pub alias: String,
    /// SMTP address.
    pub smtp: String,
    /// Title.
    pub title: String,
    /// Department.
    pub department: String,
    /// Office.
    pub office: String,
    /// Business phone.
    pub phone: String,
}

/// The directory's person number `i` (deterministic for the seed).
pub fn person(seed: u64, i: u32) -> Person {
    let mut r = Rng::derive(seed, 0x5045_5253_0000_0000 | u64::from(i));
    let first = FIRST[(i as usize) % FIRST.len()];
    let last = LAST[(i as usize / FIRST.len() + r.below(3)) % LAST.len()];
    let alias = format!("{}.{}{}", first.to_ascii_lowercase(), last.to_ascii_lowercase(), if i >= 600 { format!("{}", i / 600) } else { String::new() });
    Person {
        name: format!("{first} {last}"),
        smtp: format!("{alias}@contoso.com"),
        alias,
        title: r.pick_str(&TITLES).to_string(),
        department: r.pick_str(&DEPARTMENTS).to_string(),
        office: r.pick_str(&OFFICES).to_string(),
        phone: format!("+1 425 555 {:04}", r.range(100, 9999)),
    }
}

/// The legacy Exchange DN of a directory alias.
pub fn legacy_dn(alias: &str) -> String {
    format!("/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn={}", alias.replace('.', ""))
}

/// The directory of the organisation: `n` people (deterministic for the seed), computed once and
/// shared by every session.
pub fn directory(seed: u64, n: u32) -> Vec<Person> {
    (0..n).map(|i| person(seed, i)).collect()
}

/// A message in a folder; people are indices into the directory.
#[derive(Clone, Debug)]
pub struct Message {
    /// Subject prefix (`RE: `).
    pub prefix: &'static str,
    /// Normalized subject.
    pub subject: String,
    /// Sender.
    pub sender: u32,
    /// Recipients: (kind 1 To / 2 Cc, person).
    pub recipients: Vec<(u8, u32)>,
    /// Seconds before the session start the message was delivered.
    pub age_s: u64,
    /// PidTagMessageFlags.
    pub flags: u32,
    /// PidTagImportance.
    pub importance: i32,
    /// PidTagHasAttachments.
    pub has_attachments: bool,
    /// Whether a reminder is set (the named property exists only then).
    pub reminder: bool,
    /// Plain text body (empty unless asked for).
    pub body: String,
    /// PidTagMessageSize.
    pub size: i32,
}

/// Message number `i` (0 = newest) of folder `folder` of the mailbox with `seed`, its people drawn
/// from a directory of `directory` people; the body text only when `with_body`.
pub fn message(seed: u64, folder: u64, i: u32, directory: u32, with_body: bool) -> Message {
    let mut r = Rng::derive(seed, (folder << 32) | u64::from(i));
    let n = directory.max(1) as usize;
    let sender = r.below(n) as u32;
    let n_rcpt = 1 + r.below(3);
    let recipients = (0..n_rcpt).map(|k| (if k == 0 { 1 } else { 1 + r.below(2) as u8 }, r.below(n) as u32)).collect();
    let sentences = r.range(3, 40);
    let body_seed = r.next_u64();
    let mut body = String::new();
    let mut body_len = 20;
    let mut b = Rng::new(body_seed);
    for _ in 0..sentences {
        let s = b.pick_str(&SENTENCES);
        let end = if b.chance(25) { '\n' } else { ' ' };
        body_len += s.len() + 1;
        if with_body {
            if body.is_empty() {
                body.push_str("Hi,\r\n\r\n");
            }
            body.push_str(s);
            body.push(end);
        }
    }
    if with_body {
        body.push_str("\r\n\r\nBest regards,\r\n");
    }
    let has_attachments = r.chance(20);
    let size = (body_len * 2 + 2400 + if has_attachments { r.range(20_000, 900_000) as usize } else { 0 }) as i32;
    Message {
        prefix: r.pick_str(&PREFIXES),
        subject: format!("{}{}", r.pick_str(&SUBJECT_A), r.pick_str(&SUBJECT_B)),
        sender,
        recipients,
        age_s: u64::from(i) * r.range(600, 7200) + r.range(0, 600),
        flags: if i < 3 || r.chance(10) { 0x0000 } else { 0x0001 } | if has_attachments { 0x10 } else { 0 },
        importance: if r.chance(8) { 2 } else { 1 },
        has_attachments,
        reminder: r.chance(15),
        body,
        size,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_and_messages_are_deterministic_and_plausible() {
        assert_eq!(person(1, 5), person(1, 5));
        let p = person(1, 0);
        assert!(p.smtp.ends_with("@contoso.com") && p.name.starts_with("Alice "), "{p:?}");
        let a = message(3, 5, 10, 500, true);
        let b = message(3, 5, 10, 500, false);
        assert_eq!((a.subject.clone(), a.size, a.sender, a.recipients.clone()), (b.subject, b.size, b.sender, b.recipients));
        assert!(!a.recipients.is_empty() && a.body.starts_with("Hi,") && a.body.contains("Best regards") && b.body.is_empty());
        assert_ne!(message(3, 5, 11, 500, true).body, a.body);
        assert_eq!(directory(1, 40)[33], person(1, 33));
        assert_eq!(legacy_dn("alice.wood"), "/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=alicewood");
    }
}
