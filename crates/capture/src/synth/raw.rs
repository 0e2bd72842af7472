//! Raw HTTP text: every request and its response as they were sent (chunked responses framed as on
//! the wire), one after the other, as a proxy's raw view pastes them.

use std::io::{self, Write};

use super::scenario::Event;

/// Streams exchanges as raw HTTP.
pub struct RawSink<W: Write> {
    out: W,
    bytes: u64,
}

fn len(e: &Event) -> u64 {
    match e {
        Event::Exchange(x) => (x.request_wire().len() + x.response_wire().len()) as u64,
        Event::Close { .. } => 0,
    }
}

impl<W: Write> RawSink<W> {
    /// A new raw HTTP text.
    pub fn new(out: W) -> Self {
        RawSink { out, bytes: 0 }
    }

    /// Adds one event.
    pub fn push(&mut self, e: &Event) -> io::Result<()> {
        if let Event::Exchange(x) = e {
            let (q, r) = (x.request_wire(), x.response_wire());
            self.out.write_all(&q)?;
            self.out.write_all(&r)?;
            self.bytes += (q.len() + r.len()) as u64;
        }
        Ok(())
    }

    /// Bytes so far.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Bytes these events would add.
    pub fn cost(&self, events: &[Event]) -> u64 {
        events.iter().map(len).sum()
    }

    /// Flushes.
    pub fn finish(mut self) -> io::Result<(W, u64)> {
        self.out.flush()?;
        Ok((self.out, self.bytes))
    }
}
