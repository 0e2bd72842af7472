//! Field extraction for `-T fields -e KEY` and the web viewer's CSV export: the text of every
//! occurrence of each requested field in an exchange.

use mapiscope_capture::mapi::MapiExchange;
use mapiscope_codec::Field;

use crate::compile::MAX_LEN;
use crate::eval::{Slot, SlotIndex};
use crate::fields::{self, exchange_values, source_of, Source};
use crate::value::{ex_text, node_text};
use crate::FilterError;

/// The fields to extract, resolved once.
pub struct Extractor {
    slots: Vec<Slot>,
    index: SlotIndex,
}

impl Extractor {
    /// Resolves the keys. An unknown key is an error whose span is the key's index in `keys`
    /// (`start` = `end` = index) with the closest known key as suggestion.
    pub fn new<S: AsRef<str>>(keys: &[S]) -> Result<Extractor, FilterError> {
        let mut slots = Vec::new();
        for (i, k) in keys.iter().enumerate() {
            let k = k.as_ref();
            if k.len() > MAX_LEN {
                return Err(FilterError::new(i, i, "field key too long"));
            }
            let Some(field) = fields::by_key(k) else {
                let mut e = FilterError::new(i, i, format!("unknown field \"{k}\""));
                if let Some(s) = fields::suggest(k) {
                    e = e.with_suggestion(s);
                }
                return Err(e);
            };
            slots.push(Slot { field, source: source_of(field) });
        }
        let index = SlotIndex::new(&slots);
        Ok(Extractor { slots, index })
    }

    /// The fields, in the order asked.
    pub fn fields(&self) -> impl Iterator<Item = &'static Field> + '_ {
        self.slots.iter().map(|s| s.field)
    }

    /// Whether some field needs the exchange's dissection.
    pub fn needs_dissection(&self) -> bool {
        self.slots.iter().any(|s| s.source.needs_tree())
    }

    /// For each field, the text of each occurrence in `x`.
    pub fn extract(&self, x: &MapiExchange) -> Vec<Vec<String>> {
        let d = x.dissection.as_ref();
        let nodes = self.index.gather(self.slots.len(), d);
        self.slots
            .iter()
            .enumerate()
            .map(|(k, s)| {
                let node_texts = || -> Vec<String> {
                    let (Some(d), Some(list)) = (d, nodes.get(k)) else { return Vec::new() };
                    list.iter().filter_map(|&i| d.node(i)).map(|n| node_text(d, n)).collect()
                };
                let ex_texts = |e| -> Vec<String> {
                    let mut v = Vec::new();
                    exchange_values(x, e, &mut v);
                    v.iter().map(ex_text).collect()
                };
                match s.source {
                    Source::Nodes => node_texts(),
                    Source::Exchange(e) => ex_texts(e),
                    Source::NodesOr(e) => {
                        let t = node_texts();
                        if t.is_empty() {
                            ex_texts(e)
                        } else {
                            t
                        }
                    }
                }
            })
            .collect()
    }
}
