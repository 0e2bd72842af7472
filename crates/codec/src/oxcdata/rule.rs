//! [MS-OXORULE] 2.2.5 RuleAction, the PtypRuleAction value of standard rules (PidTagRuleActions) as
//! ROP buffers carry it: NoOfActions (2) and ActionBlocks. Each 2.2.5.1 ActionBlock is ActionLength
//! (2: the size of the rest of the block), ActionType (1), ActionFlavor (4), ActionFlags (4) and
//! ActionData, decoded inside the ActionLength window:
//!
//! - OP_MOVE 0x01 / OP_COPY 0x02 (2.2.5.1.2.1): FolderInThisStore (1), StoreEIDSize (2), StoreEID,
//!   FolderEIDSize (2), FolderEID — a 2.2.5.1.2.1.1 ServerEid (Ours, FolderId, MessageId, Instance)
//!   when FolderInThisStore, else a Folder EntryID; StoreEID is a Store Object EntryID when the
//!   folder is in another store (implementations send a 1-byte placeholder otherwise).
//! - OP_REPLY 0x03 / OP_OOF_REPLY 0x04 (2.2.5.1.2.2): ReplyTemplateFID (8), ReplyTemplateMID (8),
//!   ReplyTemplateGUID (16).
//! - OP_DEFER_ACTION 0x05 (2.2.5.1.2.3): DeferredActionData, the rest of the block.
//! - OP_BOUNCE 0x06 (2.2.5.1.2.5): BounceCode (4).
//! - OP_FORWARD 0x07 / OP_DELEGATE 0x08 (2.2.5.1.2.4): RecipientCount (2), RecipientBlocks of
//!   2.2.5.1.2.4.1 RecipientBlockData: Reserved (1), NoOfProperties, PropertyValues (TaggedPropertyValue).
//! - OP_TAG 0x09 (2.2.5.1.2.6): one TaggedPropertyValue.
//! - OP_DELETE 0x0A / OP_MARK_AS_READ 0x0B (2.2.5.1.2.7): no ActionData.
//!
//! Where the specification and implementations disagree: the RecipientBlockData page gives
//! NoOfProperties as 4 bytes without distinguishing standard and extended rules, while gromox and
//! Microsoft's MAPI Inspector read 2 bytes in ROP buffers (4 in extended rules). Both are accepted:
//! when the two bytes after a 16-bit count are zero they are the high half of a 32-bit count (a
//! TaggedPropertyValue never starts with property type 0x0000), and a note says so.

use alloc::format;
use alloc::string::String;

use super::values::{bytes_summary, grp, grp_sized, summary, tagged_summary};
use crate::build::{Builder, Cur, R};
use crate::display::{fid_string, guid_string};
use crate::tree::{lookup, Disp, NameTable, Severity};

/// [MS-OXORULE] 2.2.5.1 ActionType.
pub static ACTION_TYPES: NameTable = &[
    (0x01, "OP_MOVE"),
    (0x02, "OP_COPY"),
    (0x03, "OP_REPLY"),
    (0x04, "OP_OOF_REPLY"),
    (0x05, "OP_DEFER_ACTION"),
    (0x06, "OP_BOUNCE"),
    (0x07, "OP_FORWARD"),
    (0x08, "OP_DELEGATE"),
    (0x09, "OP_TAG"),
    (0x0A, "OP_DELETE"),
    (0x0B, "OP_MARK_AS_READ"),
];

/// [MS-OXORULE] 2.2.5.1.1 ActionFlavor of OP_FORWARD.
pub static FORWARD_FLAVORS: NameTable = &[(0x1, "PR"), (0x2, "NC"), (0x4, "AT"), (0x8, "TM")];

/// [MS-OXORULE] 2.2.5.1.1 ActionFlavor of OP_REPLY and OP_OOF_REPLY.
pub static REPLY_FLAVORS: NameTable = &[(0x1, "NS"), (0x2, "ST")];

/// [MS-OXORULE] 2.2.5.1.2.5 BounceCode.
pub static BOUNCE_CODES: NameTable = &[
    (0x0000_000D, "message too large"),
    (0x0000_001F, "message cannot be displayed"),
    (0x0000_0026, "delivery denied"),
];

crate::fields! {
    NO_OF_ACTIONS: U16 = "mapihttp.oxcdata.ruleaction.noofactions", "NoOfActions", "[MS-OXORULE] 2.2.5 the number of ActionBlock structures (greater than zero; 2 bytes for standard rules)";
    ACTION_BLOCK: Text = "mapihttp.oxcdata.ruleaction.actionblock", "ActionBlock", "[MS-OXORULE] 2.2.5.1 one action of the rule";
    ACTION_LENGTH: U16 [Disp::Unit("bytes")] = "mapihttp.oxcdata.ruleaction.actionlength", "ActionLength", "[MS-OXORULE] 2.2.5.1 the size of the rest of this ActionBlock";
    ACTION_TYPE: U8 [Disp::Names(ACTION_TYPES)] = "mapihttp.oxcdata.ruleaction.actiontype", "ActionType", "[MS-OXORULE] 2.2.5.1 the type of action";
    FLAVOR_FORWARD: U32 [Disp::Flags(FORWARD_FLAVORS)] = "mapihttp.oxcdata.ruleaction.actionflavor.forward", "ActionFlavor", "[MS-OXORULE] 2.2.5.1.1 OP_FORWARD: PR preserve sender, NC no changes, AT as attachment, TM as text message";
    FLAVOR_REPLY: U32 [Disp::Flags(REPLY_FLAVORS)] = "mapihttp.oxcdata.ruleaction.actionflavor.reply", "ActionFlavor", "[MS-OXORULE] 2.2.5.1.1 OP_REPLY/OP_OOF_REPLY: NS do not send to the sender, ST server-defined text";
    FLAVOR: U32 [Disp::Hex] = "mapihttp.oxcdata.ruleaction.actionflavor", "ActionFlavor", "[MS-OXORULE] 2.2.5.1.1 zero for action types other than OP_REPLY, OP_OOF_REPLY and OP_FORWARD";
    ACTION_FLAGS: U32 [Disp::Hex] = "mapihttp.oxcdata.ruleaction.actionflags", "ActionFlags", "[MS-OXORULE] 2.2.5.1 client-defined flags, ignored by the server";
    ACTION_DATA: Text = "mapihttp.oxcdata.ruleaction.actiondata", "ActionData", "[MS-OXORULE] 2.2.5.1.2 the data of the action";
    FOLDER_IN_THIS_STORE: Bool = "mapihttp.oxcdata.ruleaction.folderinthisstore", "FolderInThisStore", "[MS-OXORULE] 2.2.5.1.2.1 whether the destination folder is in the user's mailbox";
    STORE_EID_SIZE: U16 [Disp::Unit("bytes")] = "mapihttp.oxcdata.ruleaction.storeeidsize", "StoreEIDSize", "[MS-OXORULE] 2.2.5.1.2.1 the size of StoreEID";
    STORE_EID: Bytes = "mapihttp.oxcdata.ruleaction.storeeid", "StoreEID", "[MS-OXORULE] 2.2.5.1.2.1 the Store Object EntryID of the destination store (unused when FolderInThisStore)";
    FOLDER_EID_SIZE: U16 [Disp::Unit("bytes")] = "mapihttp.oxcdata.ruleaction.foldereidsize", "FolderEIDSize", "[MS-OXORULE] 2.2.5.1.2.1 the size of FolderEID";
    FOLDER_EID: Bytes = "mapihttp.oxcdata.ruleaction.foldereid", "FolderEID", "[MS-OXORULE] 2.2.5.1.2.1 the destination folder";
    SERVER_EID: Text = "mapihttp.oxcdata.ruleaction.servereid", "ServerEid", "[MS-OXORULE] 2.2.5.1.2.1.1 the destination folder in the user's mailbox";
    SEID_OURS: Bool = "mapihttp.oxcdata.ruleaction.servereid.ours", "Ours", "[MS-OXORULE] 2.2.5.1.2.1.1 0x01: the rest conforms to ServerEid";
    SEID_FOLDER_ID: U64 [Disp::Fid] = "mapihttp.oxcdata.ruleaction.servereid.folderid", "FolderId", "[MS-OXORULE] 2.2.5.1.2.1.1 the destination folder's Folder ID";
    SEID_MESSAGE_ID: U64 [Disp::Fid] = "mapihttp.oxcdata.ruleaction.servereid.messageid", "MessageId", "[MS-OXORULE] 2.2.5.1.2.1.1 unused, zero";
    SEID_INSTANCE: U32 = "mapihttp.oxcdata.ruleaction.servereid.instance", "Instance", "[MS-OXORULE] 2.2.5.1.2.1.1 unused, zero";
    REPLY_TEMPLATE_FID: U64 [Disp::Fid] = "mapihttp.oxcdata.ruleaction.replytemplatefid", "ReplyTemplateFID", "[MS-OXORULE] 2.2.5.1.2.2 the folder that contains the reply template";
    REPLY_TEMPLATE_MID: U64 [Disp::Fid] = "mapihttp.oxcdata.ruleaction.replytemplatemid", "ReplyTemplateMID", "[MS-OXORULE] 2.2.5.1.2.2 the FAI message used as the reply template";
    REPLY_TEMPLATE_GUID: Guid = "mapihttp.oxcdata.ruleaction.replytemplateguid", "ReplyTemplateGUID", "[MS-OXORULE] 2.2.5.1.2.2 the GUID of the reply template (PidTagReplyTemplateId)";
    DEFERRED_ACTION_DATA: Bytes = "mapihttp.oxcdata.ruleaction.deferredactiondata", "DeferredActionData", "[MS-OXORULE] 2.2.5.1.2.3 client-defined data for an action the server cannot execute";
    BOUNCE_CODE: U32 [Disp::Names(BOUNCE_CODES)] = "mapihttp.oxcdata.ruleaction.bouncecode", "BounceCode", "[MS-OXORULE] 2.2.5.1.2.5 why the message is rejected";
    RECIPIENT_COUNT: U16 = "mapihttp.oxcdata.ruleaction.recipientcount", "RecipientCount", "[MS-OXORULE] 2.2.5.1.2.4 the number of RecipientBlockData structures";
    RECIPIENT_BLOCK: Text = "mapihttp.oxcdata.ruleaction.recipientblockdata", "RecipientBlockData", "[MS-OXORULE] 2.2.5.1.2.4.1 properties of one recipient (at least PidTagDisplayName, PidTagEmailAddress, PidTagRecipientType)";
    RB_RESERVED: U8 [Disp::Hex] = "mapihttp.oxcdata.ruleaction.recipientblockdata.reserved", "Reserved", "[MS-OXORULE] 2.2.5.1.2.4.1 implementation-specific";
    RB_NO_OF_PROPERTIES: U16 = "mapihttp.oxcdata.ruleaction.recipientblockdata.noofproperties", "NoOfProperties", "[MS-OXORULE] 2.2.5.1.2.4.1 the number of TaggedPropertyValue structures (2 bytes in ROP buffers, as implementations read it)";
    RB_NO_OF_PROPERTIES32: U32 = "mapihttp.oxcdata.ruleaction.recipientblockdata.noofproperties32", "NoOfProperties", "[MS-OXORULE] 2.2.5.1.2.4.1 the number of TaggedPropertyValue structures, in the 4-byte form of the specification";
    RB_PROPERTY_VALUE: U32 [Disp::Hex] {super::values::entry_summary} = "mapihttp.oxcdata.ruleaction.recipientblockdata.propertyvalue", "PropertyValues", "[MS-OXORULE] 2.2.5.1.2.4.1 one TaggedPropertyValue of the recipient";
    TAG_VALUE: U32 [Disp::Hex] {super::values::entry_summary} = "mapihttp.oxcdata.ruleaction.tag", "TaggedPropertyValue", "[MS-OXORULE] 2.2.5.1.2.6 OP_TAG: the property to set on the message";
    UNKNOWN_DATA: Bytes = "mapihttp.oxcdata.ruleaction.unknowndata", "ActionData", "[MS-OXORULE] 2.2.5.1.2 the data of an unknown action type";
}

/// [MS-OXORULE] 2.2.5 RuleAction (standard rules, ROP buffers); returns a summary.
pub fn rule_action(b: &mut Builder<'_>, c: &mut Cur<'_>) -> R<String> {
    let n = b.u16(c, &NO_OF_ACTIONS)?;
    if n == 0 {
        b.diag(Severity::Warning, "NoOfActions MUST be greater than zero", c.src(), c.pos().saturating_sub(2), 2);
    }
    // Every ActionBlock has ActionLength, ActionType, ActionFlavor and ActionFlags: 11 bytes.
    let n = b.check_count(c, &NO_OF_ACTIONS, n.into(), 11)?;
    let mut names = String::new();
    for _ in 0..n {
        let t = action_block(b, c)?;
        if !names.is_empty() {
            names.push_str(", ");
        }
        names.push_str(&type_name(t));
    }
    Ok(format!("{n} actions: {names}"))
}

fn type_name(t: u8) -> String {
    lookup(ACTION_TYPES, t.into()).map_or_else(|| format!("action 0x{t:02X}"), String::from)
}

/// One ActionBlock; returns its ActionType.
fn action_block(b: &mut Builder<'_>, c: &mut Cur<'_>) -> R<u8> {
    grp(b, c, &ACTION_BLOCK, |b, c, idx| {
        let len = usize::from(b.u16(c, &ACTION_LENGTH)?);
        if len > c.left() {
            return b.fail(c, format!("ActionLength {} exceeds the {} bytes left", len, c.left()));
        }
        // The rest of the block is exactly ActionLength bytes: decode inside that window.
        let mut w = c.window(len);
        let r = block_body(b, &mut w, idx);
        c.advance(len);
        let (t, s) = r?;
        if !w.is_empty() {
            let left = w.left();
            b.diag(Severity::Warning, format!("ActionBlock has {left} unread bytes"), w.src(), w.pos(), left);
        }
        summary(b, idx, &s);
        Ok(t)
    })
}

fn block_body(b: &mut Builder<'_>, c: &mut Cur<'_>, idx: u32) -> R<(u8, String)> {
    let t = b.u8(c, &ACTION_TYPE)?;
    summary(b, idx, &type_name(t));
    let flavor_f = match t {
        0x03 | 0x04 => &FLAVOR_REPLY,
        0x07 => &FLAVOR_FORWARD,
        _ => &FLAVOR,
    };
    let fl = b.u32(c, flavor_f)?;
    if fl != 0 && !matches!(t, 0x03 | 0x04 | 0x07) {
        b.diag(Severity::Note, "ActionFlavor MUST be 0 for this ActionType", c.src(), c.pos().saturating_sub(4), 4);
    }
    b.u32(c, &ACTION_FLAGS)?;
    let d = action_data(b, c, t)?;
    Ok((t, if d.is_empty() { type_name(t) } else { format!("{} {d}", type_name(t)) }))
}

fn action_data(b: &mut Builder<'_>, c: &mut Cur<'_>, t: u8) -> R<String> {
    match t {
        0x0A | 0x0B => Ok(String::new()),
        0x05 => {
            let d = b.bytes(c, &DEFERRED_ACTION_DATA, c.left())?;
            Ok(bytes_summary(d))
        }
        0x01..=0x09 => grp(b, c, &ACTION_DATA, |b, c, idx| {
            let s = match t {
                0x01 | 0x02 => move_copy(b, c)?,
                0x03 | 0x04 => {
                    let fid = b.u64(c, &REPLY_TEMPLATE_FID)?;
                    let mid = b.u64(c, &REPLY_TEMPLATE_MID)?;
                    let g = b.guid(c, &REPLY_TEMPLATE_GUID)?;
                    format!("template {} / {} {}", fid_string(fid), fid_string(mid), guid_string(&g))
                }
                0x06 => {
                    let v = b.u32(c, &BOUNCE_CODE)?;
                    lookup(BOUNCE_CODES, v.into()).map_or_else(|| format!("bounce code 0x{v:08X}"), String::from)
                }
                0x07 | 0x08 => forward(b, c)?,
                _ => tagged_summary(b, c, &TAG_VALUE)?.1,
            };
            summary(b, idx, &s);
            Ok(s)
        }),
        _ => {
            b.diag_at(c, Severity::Warning, format!("unknown ActionType 0x{t:02X}"), c.left());
            let d = b.bytes(c, &UNKNOWN_DATA, c.left())?;
            Ok(bytes_summary(d))
        }
    }
}

fn move_copy(b: &mut Builder<'_>, c: &mut Cur<'_>) -> R<String> {
    let here = b.bool8(c, &FOLDER_IN_THIS_STORE)?;
    let n = usize::from(b.u16(c, &STORE_EID_SIZE)?);
    if n > c.left() {
        return b.fail(c, format!("StoreEIDSize {} exceeds the {} bytes left", n, c.left()));
    }
    let data = c.rest().get(..n).unwrap_or(&[]);
    let store = match super::entryid::sniff(data) {
        Some(k) if !here => Some(super::entryid::entry_id_text(b, c, k, n)?),
        _ => {
            if n > 0 {
                b.bytes(c, &STORE_EID, n)?;
            }
            None
        }
    };
    let n = usize::from(b.u16(c, &FOLDER_EID_SIZE)?);
    if n > c.left() {
        return b.fail(c, format!("FolderEIDSize {} exceeds the {} bytes left", n, c.left()));
    }
    let folder = if here {
        grp_sized(b, c, &SERVER_EID, n, |b, c, idx| {
            let ours = b.bool8(c, &SEID_OURS)?;
            if !ours {
                b.diag(Severity::Note, "Ours should be 0x01 in a ServerEid", c.src(), c.pos().saturating_sub(1), 1);
            }
            let fid = b.u64(c, &SEID_FOLDER_ID)?;
            b.u64(c, &SEID_MESSAGE_ID)?;
            b.u32(c, &SEID_INSTANCE)?;
            let s = format!("folder {}", fid_string(fid));
            summary(b, idx, &s);
            Ok(s)
        })?
    } else {
        let data = c.rest().get(..n).unwrap_or(&[]);
        match super::entryid::sniff(data) {
            Some(k) => super::entryid::entry_id_text(b, c, k, n)?,
            None => {
                b.bytes(c, &FOLDER_EID, n)?;
                format!("folder {}", bytes_summary(data))
            }
        }
    };
    Ok(match store {
        Some(s) => format!("to {folder} in {s}"),
        None => format!("to {folder}"),
    })
}

fn forward(b: &mut Builder<'_>, c: &mut Cur<'_>) -> R<String> {
    let n = b.u16(c, &RECIPIENT_COUNT)?;
    // Reserved and a 16-bit NoOfProperties at least.
    let n = b.check_count(c, &RECIPIENT_COUNT, n.into(), 3)?;
    let mut first = String::new();
    for i in 0..n {
        let s = grp(b, c, &RECIPIENT_BLOCK, |b, c, idx| {
            b.u8(c, &RB_RESERVED)?;
            let wide = c.rest().get(2..4) == Some(&[0, 0][..]);
            let count = if wide {
                b.diag_at(c, Severity::Note, "NoOfProperties read as 4 bytes, as the specification gives it (implementations use 2 in ROP buffers)", 4);
                u64::from(b.u32(c, &RB_NO_OF_PROPERTIES32)?)
            } else {
                u64::from(b.u16(c, &RB_NO_OF_PROPERTIES)?)
            };
            let f = if wide { &RB_NO_OF_PROPERTIES32 } else { &RB_NO_OF_PROPERTIES };
            let count = b.check_count(c, f, count, 4)?;
            let mut s = String::new();
            for _ in 0..count {
                let (tag, v) = tagged_summary(b, c, &RB_PROPERTY_VALUE)?;
                // PidTagDisplayName (0x3001) or PidTagEmailAddress (0x3003) names the recipient.
                if s.is_empty() && matches!(tag >> 16, 0x3001 | 0x3003) {
                    s = String::from(v.split_once(" = ").map_or(v.as_str(), |(_, x)| x));
                }
            }
            summary(b, idx, &s);
            Ok(s)
        })?;
        if i == 0 {
            first = s;
        }
    }
    Ok(if n > 1 { format!("{n} recipients: {first}, …") } else { format!("{n} recipient: {first}") })
}
