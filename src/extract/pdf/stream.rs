//! Bounded decoding of content streams.
//!
//! A page's content is read as a byte source that inflates on demand (`flate2`, in chunks),
//! so a compression bomb costs a bounded buffer, not its inflated size; the bytes read are
//! charged to a per-document budget. Past a cap the stream simply ends: the text before
//! the cap is kept and a warning says so. Filters other than plain Flate go through lopdf's
//! bounded decoder (which rejects an oversized stream instead of truncating it).

use lopdf::{Document, Object, ObjectId, Stream};
use std::io::Read;

/// How many decoded bytes the document may still use, and whether a cap was hit.
pub struct Budget {
    pub per_stream: usize,
    pub doc_left: usize,
    pub capped: bool,
}

/// The decoded bytes of one or more streams, read in order, with `\n` between them.
pub struct ContentReader<'a> {
    parts: Vec<&'a Stream>,
    next: usize,
    current: Option<Box<dyn Read + 'a>>,
    left_in_stream: usize,
}

impl<'a> ContentReader<'a> {
    pub fn new(parts: Vec<&'a Stream>) -> Self {
        ContentReader {
            parts,
            next: 0,
            current: None,
            left_in_stream: 0,
        }
    }

    /// Reads up to `buf.len()` decoded bytes; 0 at the end of the last stream.
    pub fn read(&mut self, buf: &mut [u8], budget: &mut Budget) -> usize {
        loop {
            if self.current.is_none() {
                let Some(s) = self.parts.get(self.next) else {
                    return 0;
                };
                self.next += 1;
                self.current = Some(open(s, budget.per_stream));
                self.left_in_stream = budget.per_stream;
                if self.next > 1 && !buf.is_empty() {
                    // Streams of one page are concatenated with a separator (ISO 32000 7.8.2).
                    buf[0] = b'\n';
                    return 1;
                }
            }
            let want = buf.len().min(self.left_in_stream).min(budget.doc_left);
            if want == 0 {
                budget.capped = true;
                if budget.doc_left == 0 {
                    self.next = self.parts.len();
                }
                self.current = None;
                continue;
            }
            let n = match self.current.as_mut() {
                // A damaged deflate stream ends where it breaks; the text before it is kept.
                Some(r) => r.read(&mut buf[..want]).unwrap_or(0),
                None => 0,
            };
            if n == 0 {
                self.current = None;
                continue;
            }
            self.left_in_stream -= n;
            budget.doc_left -= n;
            return n;
        }
    }
}

fn open<'a>(s: &'a Stream, cap: usize) -> Box<dyn Read + 'a> {
    let filters = s.filters().unwrap_or_default();
    let has_predictor = s
        .dict
        .get(b"DecodeParms")
        .ok()
        .and_then(|p| p.as_dict().ok())
        .is_some_and(|d| d.has(b"Predictor"));
    match filters.as_slice() {
        [] => Box::new(&s.content[..]),
        [b"FlateDecode"] | [b"Fl"] if !has_predictor => {
            Box::new(flate2::read::ZlibDecoder::new(&s.content[..]))
        }
        _ => match s.decompressed_content_with_limit(cap) {
            Ok(v) => Box::new(std::io::Cursor::new(v)),
            Err(_) => Box::new(std::io::empty()),
        },
    }
}

/// Decodes a small stream (CMap, font program, XMP) whole, bounded by `cap`.
pub fn decode_small(s: &Stream, cap: usize, budget: &mut Budget) -> Option<Vec<u8>> {
    let cap = cap.min(budget.doc_left);
    let v = match s.filters() {
        Ok(f) if !f.is_empty() => s.decompressed_content_with_limit(cap).ok()?,
        _ => s.content.get(..s.content.len().min(cap))?.to_vec(),
    };
    budget.doc_left = budget.doc_left.saturating_sub(v.len());
    Some(v)
}

/// The streams of a `/Contents` entry (one stream or an array of them).
pub fn content_streams<'a>(doc: &'a Document, contents: &'a Object) -> Vec<&'a Stream> {
    let mut out = Vec::new();
    match resolve(doc, contents) {
        Some(Object::Stream(s)) => out.push(s),
        Some(Object::Array(a)) => {
            for o in a.iter().take(10_000) {
                if let Some(Object::Stream(s)) = resolve(doc, o) {
                    out.push(s);
                }
            }
        }
        _ => {}
    }
    out
}

/// Follows references (a chain of at most 32, so a reference loop ends).
pub fn resolve<'a>(doc: &'a Document, mut o: &'a Object) -> Option<&'a Object> {
    for _ in 0..32 {
        match o {
            Object::Reference(id) => o = doc.get_object(*id).ok()?,
            _ => return Some(o),
        }
    }
    None
}

/// The id of a reference, for caches.
pub fn ref_id(o: &Object) -> Option<ObjectId> {
    match o {
        Object::Reference(id) => Some(*id),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::Compression;
    use flate2::write::ZlibEncoder;
    use std::io::Write;

    fn flate_stream(data: &[u8]) -> Stream {
        let mut e = ZlibEncoder::new(Vec::new(), Compression::default());
        e.write_all(data).unwrap();
        let mut dict = lopdf::Dictionary::new();
        dict.set("Filter", Object::Name(b"FlateDecode".to_vec()));
        Stream::new(dict, e.finish().unwrap())
    }

    #[test]
    fn stream_past_its_cap_keeps_the_bytes_before_the_cap() {
        let s = flate_stream(&vec![b'x'; 100_000]);
        let mut r = ContentReader::new(vec![&s]);
        let mut budget = Budget {
            per_stream: 1000,
            doc_left: 1 << 20,
            capped: false,
        };
        let mut buf = [0u8; 4096];
        let mut total = 0;
        loop {
            let n = r.read(&mut buf, &mut budget);
            if n == 0 {
                break;
            }
            total += n;
        }
        assert_eq!(total, 1000);
        assert!(budget.capped);
    }

    #[test]
    fn two_streams_are_read_with_a_separator() {
        let a = flate_stream(b"BT");
        let b = Stream::new(lopdf::Dictionary::new(), b"ET".to_vec());
        let mut r = ContentReader::new(vec![&a, &b]);
        let mut budget = Budget {
            per_stream: 100,
            doc_left: 100,
            capped: false,
        };
        let mut out = Vec::new();
        let mut buf = [0u8; 16];
        loop {
            let n = r.read(&mut buf, &mut budget);
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        assert_eq!(out, b"BT\nET");
    }
}
