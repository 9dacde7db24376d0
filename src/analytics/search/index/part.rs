//! An index built elsewhere, handed over as bytes and merged: a pool worker indexes a range of
//! events the page sent it ([`TermIndex::encode_part`]) and the page adds that to its own index
//! ([`TermIndex::merge_part`]) without reading a record.
//!
//! Merging replays the part's strings, path nodes and terms in the order the part created them,
//! so a page that merges parts in event order holds exactly the index it would have built by
//! adding the same records itself (the tests compare the whole structure). Merging costs a
//! lookup per distinct string, path and term of the part, not a parse of every record.
//!
//! Layout: `TVI1`, then unsigned LEB128 numbers: the events' range (first, end), the strings
//! (length, UTF-8 bytes), the path nodes after the root (parent, step kind, name or position,
//! then the events where the node is a container), the root's containers, the terms (node,
//! kind, text, events), the generalised paths (a node of theirs, events with a leaf, the last
//! such event) and the events added. An event list is its length, the first id less the
//! range's first, then the gaps. A part that does not decode, names what it does not hold or
//! lists ids out of order or out of its range is refused whole, before anything is merged.

use std::ops::Range;

use super::{ConcreteStep, Kind, TermIndex};
use crate::analytics::bytes::{put_varint, Reader};

const MAGIC: &[u8; 4] = b"TVI1";

/// Where a part's events list sits in [`Part::ids`].
type Span = Range<usize>;

/// A decoded part, checked; its string, node and event references are all in range.
struct Part<'a> {
    first: u32,
    end: u32,
    strings: Vec<&'a str>,
    /// Nodes after the root: (parent, step with a part string id), and their containers.
    nodes: Vec<(u32, ConcreteStep, Span)>,
    root_containers: Span,
    terms: Vec<(u32, Kind, u32, Span)>,
    /// (a concrete node of the path, events with a leaf there, the last of them).
    generals: Vec<(u32, u32, u32)>,
    added: Span,
    ids: Vec<u32>,
}

impl TermIndex {
    /// Everything added to this index, which covers the events `first..end` (an event there
    /// that was not added stays out of the index that merges it), as bytes for
    /// [`TermIndex::merge_part`].
    pub fn encode_part(&self, first: u32, end: u32) -> Vec<u8> {
        let mut out = Writer {
            bytes: MAGIC.to_vec(),
            first,
            scratch: Vec::new(),
        };
        out.number(first);
        out.number(end);
        out.number(self.strings.len() as u32);
        for id in 0..self.strings.len() as u32 {
            let text = self.strings.text(id);
            out.number(text.len() as u32);
            out.bytes.extend_from_slice(text.as_bytes());
        }
        // A node's parent and step, from the map that finds it by them.
        let mut steps = vec![(0u32, ConcreteStep::Index(0)); self.nodes.len()];
        for (&(parent, step), &node) in &self.node_by_step {
            if let Some(slot) = steps.get_mut(node as usize) {
                *slot = (parent, step);
            }
        }
        out.number(self.nodes.len().saturating_sub(1) as u32);
        for (node, &(parent, step)) in self.nodes.iter().zip(&steps).skip(1) {
            out.number(parent);
            match step {
                ConcreteStep::Key(name) => {
                    out.number(0);
                    out.number(name);
                }
                ConcreteStep::Index(position) => {
                    out.number(1);
                    out.number(position);
                }
            }
            out.ids(node.container_events.postings());
        }
        match self.nodes.first() {
            Some(root) => out.ids(root.container_events.postings()),
            None => out.number(0),
        }
        out.number(self.terms.len() as u32);
        for (term, record) in (0u32..).zip(&self.terms.0) {
            out.number(record.node);
            out.number(match record.kind {
                Kind::String => 0,
                Kind::Number => 1,
                Kind::Bool => 2,
                Kind::Null => 3,
            });
            out.number(record.text);
            out.ids(self.events(term));
        }
        out.number(self.generals.len() as u32);
        for (position, general) in self.generals.iter().enumerate() {
            let node = if position == 0 {
                0
            } else {
                general.concrete.first().copied().unwrap_or(0)
            };
            out.number(node);
            out.number(general.leaf_events as u32);
            out.number(general.last_event.unwrap_or(first).saturating_sub(first));
        }
        let added = self.added.iter().enumerate().flat_map(|(word, &bits)| {
            (0..64u32)
                .filter(move |bit| bits & (1u64 << bit) != 0)
                .map(move |bit| word as u32 * 64 + bit)
        });
        out.ids(added);
        out.bytes
    }

    /// Adds a part made by [`TermIndex::encode_part`] whose range starts at `expected.start`,
    /// ends within `expected`, and follows every event already here; returns the end of the
    /// part's range. A part that does not decode or is not where expected is refused with the
    /// reason, and nothing of it is merged.
    pub fn merge_part(&mut self, bytes: &[u8], expected: Range<u32>) -> Result<u32, String> {
        let part = Part::decode(bytes).ok_or("the index part does not decode")?;
        if part.first != expected.start
            || part.end > expected.end
            || self.last_added.is_some_and(|last| part.first <= last)
        {
            return Err(format!(
                "the index part of events {}..{} is not the one expected ({}..{})",
                part.first, part.end, expected.start, expected.end
            ));
        }
        let strings: Vec<u32> = part
            .strings
            .iter()
            .map(|text| self.strings.intern(text))
            .collect();
        let mut nodes = Vec::with_capacity(part.nodes.len() + 1);
        nodes.push(0u32);
        self.push_containers(0, part.events(&part.root_containers));
        for (parent, step, containers) in &part.nodes {
            let step = match *step {
                ConcreteStep::Key(name) => ConcreteStep::Key(at(&strings, name)),
                index @ ConcreteStep::Index(_) => index,
            };
            let node = self.child(at(&nodes, *parent), step);
            nodes.push(node);
            self.push_containers(node, part.events(containers));
        }
        for (node, kind, text, events) in &part.terms {
            let (node, text) = (at(&nodes, *node), at(&strings, *text));
            if let Some((&first, rest)) = part.events(events).split_first() {
                let term = self.add_term_event(node, *kind, text, first);
                for &event in rest {
                    self.add_posting(term, event);
                }
            }
        }
        for &(node, leaf_events, last) in &part.generals {
            let general = self
                .nodes
                .get(at(&nodes, node) as usize)
                .map_or(0, |path| path.general);
            if let Some(general) = self.generals.get_mut(general as usize) {
                if leaf_events > 0 {
                    general.leaf_events += leaf_events as usize;
                    general.last_event = Some(last);
                }
            }
        }
        for &event in part.events(&part.added) {
            self.begin(event);
        }
        Ok(part.end)
    }

    fn push_containers(&mut self, node: u32, events: &[u32]) {
        if let Some(path) = self.nodes.get_mut(node as usize) {
            for &event in events {
                path.container_events.push_once(event);
            }
        }
    }
}

/// `ids[i]` (0 past the end, which a decoded part never asks for).
fn at(ids: &[u32], i: u32) -> u32 {
    ids.get(i as usize).copied().unwrap_or(0)
}

/// Writes a part.
struct Writer {
    bytes: Vec<u8>,
    first: u32,
    /// Reused by [`Writer::ids`].
    scratch: Vec<u32>,
}

impl Writer {
    fn number(&mut self, value: u32) {
        put_varint(&mut self.bytes, value);
    }

    /// Increasing ids, all from `first` up.
    fn ids(&mut self, ids: impl IntoIterator<Item = u32>) {
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        scratch.extend(ids);
        self.number(scratch.len() as u32);
        let mut previous = self.first;
        for &id in &scratch {
            self.number(id.saturating_sub(previous));
            previous = id;
        }
        self.scratch = scratch;
    }
}

/// Reads a part, every number checked.
struct PartReader<'a>(Reader<'a>);

impl<'a> PartReader<'a> {
    fn number(&mut self) -> Option<u32> {
        self.0.varint().ok()
    }

    /// A number below `bound`.
    fn below(&mut self, bound: usize) -> Option<u32> {
        self.number().filter(|&value| (value as usize) < bound)
    }

    fn text(&mut self) -> Option<&'a str> {
        let len = self.number()? as usize;
        std::str::from_utf8(self.0.take(len).ok()?).ok()
    }

    /// An events list into `ids`: strictly increasing, within `first..end`.
    fn ids(&mut self, ids: &mut Vec<u32>, first: u32, end: u32) -> Option<Span> {
        let count = self.number()? as usize;
        if count > self.0.remaining() {
            return None;
        }
        let start = ids.len();
        let mut previous = first;
        for position in 0..count {
            let gap = self.number()?;
            if position > 0 && gap == 0 {
                return None;
            }
            previous = previous.checked_add(gap).filter(|&id| id < end)?;
            ids.push(previous);
        }
        Some(start..ids.len())
    }
}

impl<'a> Part<'a> {
    /// The events of a list.
    fn events(&self, span: &Span) -> &[u32] {
        self.ids.get(span.clone()).unwrap_or_default()
    }

    fn decode(bytes: &'a [u8]) -> Option<Self> {
        let mut reader = PartReader(Reader::new(bytes.strip_prefix(MAGIC)?, "index part"));
        let first = reader.number()?;
        let end = reader.number()?.max(first);
        let n_strings = reader.number()? as usize;
        let strings = (0..n_strings)
            .map(|_| reader.text())
            .collect::<Option<Vec<_>>>()?;
        let mut ids = Vec::new();
        let n_nodes = reader.number()? as usize;
        let mut nodes = Vec::with_capacity(n_nodes.min(bytes.len()));
        for node in 1..=n_nodes {
            let parent = reader.below(node)?;
            let step = match reader.number()? {
                0 => ConcreteStep::Key(reader.below(strings.len())?),
                1 => ConcreteStep::Index(reader.number()?),
                _ => return None,
            };
            nodes.push((parent, step, reader.ids(&mut ids, first, end)?));
        }
        let root_containers = reader.ids(&mut ids, first, end)?;
        let n_terms = reader.number()? as usize;
        let mut terms = Vec::with_capacity(n_terms.min(bytes.len()));
        for _ in 0..n_terms {
            let node = reader.below(n_nodes + 1)?;
            let kind = match reader.number()? {
                0 => Kind::String,
                1 => Kind::Number,
                2 => Kind::Bool,
                3 => Kind::Null,
                _ => return None,
            };
            let text = reader.below(strings.len())?;
            terms.push((node, kind, text, reader.ids(&mut ids, first, end)?));
        }
        let n_generals = reader.number()? as usize;
        let mut generals = Vec::with_capacity(n_generals.min(bytes.len()));
        for _ in 0..n_generals {
            let node = reader.below(n_nodes + 1)?;
            let leaf_events = reader.number()?;
            let last = first
                .checked_add(reader.number()?)
                .filter(|&last| leaf_events == 0 || last < end)?;
            generals.push((node, leaf_events, last));
        }
        let added = reader.ids(&mut ids, first, end)?;
        reader.0.done().then_some(Self {
            first,
            end,
            strings,
            nodes,
            root_containers,
            terms,
            generals,
            added,
            ids,
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::super::LIST;
    use super::TermIndex;

    /// The index as text, without its reused scratch buffers and with posting lists numbered
    /// in term order (merging numbers them term by term, building in event order).
    fn structure(index: &TermIndex) -> String {
        let mut index = index.clone();
        index.walk = super::super::Walk::default();
        index.walk_nodes = Vec::new();
        let mut lists = Vec::new();
        for term in &mut index.terms.0 {
            if term.posting & LIST != 0 {
                lists.push(index.lists[(term.posting & !LIST) as usize].clone());
                term.posting = LIST | (lists.len() as u32 - 1);
            }
        }
        index.lists = lists;
        format!("{index:?}")
    }

    fn records() -> Vec<Value> {
        (0..40u32)
            .map(|i| {
                let name = ["A", "B", "C"][(i % 3) as usize];
                json!({
                    "eventName": name,
                    "n": i % 5,
                    "flag": i % 2 == 0,
                    "none": null,
                    "resources": (0..i % 4).map(|r| json!({"ARN": format!("arn:{r}:{}", i % 7)})).collect::<Vec<_>>(),
                    "odd.key": {"x[0]": i},
                    "unique": format!("id-{i}"),
                })
            })
            .collect()
    }

    /// Indexes `records` as events `first..`, skipping every seventh, into `index`.
    fn add(index: &mut TermIndex, records: &[Value], first: u32) {
        for (offset, record) in records.iter().enumerate() {
            let event = first + offset as u32;
            if event % 7 != 3 {
                assert!(index.add_record_text(event, &record.to_string()));
            }
        }
    }

    #[test]
    fn parts_merged_in_order_equal_the_index_built_whole() {
        let records = records();
        let mut whole = TermIndex::new();
        add(&mut whole, &records, 0);
        for cuts in [
            vec![0, 40],
            vec![0, 1, 40],
            vec![0, 13, 14, 30, 40],
            vec![0, 20, 20, 40],
        ] {
            let mut merged = TermIndex::new();
            for range in cuts.windows(2) {
                let (first, end) = (range[0], range[1]);
                let mut part = TermIndex::new();
                add(&mut part, &records[first..end], first as u32);
                let bytes = part.encode_part(first as u32, end as u32);
                let expected = first as u32..u32::MAX;
                assert_eq!(merged.merge_part(&bytes, expected), Ok(end as u32));
            }
            assert_eq!(structure(&merged), structure(&whole), "cuts {cuts:?}");
        }
    }

    #[test]
    fn generated_trails_merged_in_parts_equal_the_index_built_whole() {
        use std::io::Read as _;

        use crate::analytics::generate::{generate, GenSpec};
        let mut texts = Vec::new();
        for file in generate(&GenSpec::new(4_000, 5)) {
            let mut json = String::new();
            flate2::read::GzDecoder::new(file.bytes.as_slice())
                .read_to_string(&mut json)
                .unwrap();
            let trail: Value = serde_json::from_str(&json).unwrap();
            texts.extend(
                trail["Records"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(Value::to_string),
            );
        }
        assert!(texts.len() >= 4_000);
        let mut whole = TermIndex::new();
        for (event, text) in (0u32..).zip(&texts) {
            assert!(whole.add_record_text(event, text));
        }
        let mut merged = TermIndex::new();
        for first in (0..texts.len()).step_by(317) {
            let end = (first + 317).min(texts.len());
            let mut part = TermIndex::new();
            for (event, text) in (first as u32..).zip(&texts[first..end]) {
                assert!(part.add_record_text(event, text));
            }
            let bytes = part.encode_part(first as u32, end as u32);
            assert_eq!(
                merged.merge_part(&bytes, first as u32..u32::MAX),
                Ok(end as u32)
            );
        }
        assert_eq!(structure(&merged), structure(&whole));
    }

    #[test]
    fn a_bad_or_early_part_is_refused_and_nothing_merged() {
        let records = records();
        let mut part = TermIndex::new();
        add(&mut part, &records[10..20], 10);
        let bytes = part.encode_part(10, 20);
        let mut index = TermIndex::new();
        add(&mut index, &records[..15], 0);
        let before = structure(&index);
        assert!(
            index.merge_part(&bytes, 10..20).is_err(),
            "overlapping part merged"
        );
        let mut later = TermIndex::new();
        add(&mut later, &records[..15], 0);
        assert!(
            later.merge_part(&bytes, 15..20).is_err(),
            "not where expected"
        );
        assert!(
            later.merge_part(&bytes, 10..19).is_err(),
            "past the end expected"
        );
        for cut in [0, 3, 4, bytes.len() / 2, bytes.len() - 1] {
            assert!(
                index.merge_part(&bytes[..cut], 10..20).is_err(),
                "cut at {cut}"
            );
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(index.merge_part(&longer, 10..20).is_err());
        assert_eq!(structure(&index), before);
        // Any single byte changed either is refused or merges without panicking.
        for at in 4..bytes.len() {
            let mut changed = bytes.clone();
            changed[at] ^= 0x5a;
            let _ = TermIndex::new().merge_part(&changed, 10..20);
        }
    }
}
