//! The term index: every leaf of every record as a term (concrete path, typed value) with the
//! sorted ids of the events holding it, the events where each path is an object or array, and
//! the executor that answers a query from these alone.
//!
//! Paths are kept as a tree of interned steps, so names containing `.` or `[` stay exact;
//! names and value texts share one dictionary. This file must never re-read JSON to answer a
//! query, and must agree exactly with `eval::matches_value`.

use std::hash::BuildHasher;

use hashbrown::HashTable;
use rustc_hash::{FxBuildHasher, FxHashMap};
use serde_json::Value;

use super::bitset::Bitset;
use super::expr::{is_plain_key, quote, Comparison, Expr, Path, Step, TextMatch};
use super::leaf::{number_parts, number_value, passes_comparison, Glob, Leaf};
use super::postings::{PackedList, Postings};
use super::scan::texts_containing;
use super::walk::{Walk, WalkStep, WalkValue};
use crate::analytics::model::intern::{table_bytes, Dictionary};

mod part;

/// A posting with this bit set names a list in `TermIndex::lists`; one without it is the term's
/// only event itself, so the many terms held by one event need no allocation of their own.
const LIST: u32 = 1 << 31;

/// The type of a leaf value; its text is interned separately.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Kind {
    String,
    Number,
    Bool,
    Null,
}

/// One step of a concrete path: a name (dictionary id) or an array position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum ConcreteStep {
    Key(u32),
    Index(u32),
}

/// One step of a generalised path: a name, or any array position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum GeneralStep {
    Key(u32),
    AnyIndex,
}

/// A concrete path (`resources[0].ARN`); node 0 is the record itself.
#[derive(Debug, Clone, Default)]
struct PathNode {
    /// The generalised path it belongs to.
    general: u32,
    /// Its children reached by an array position, for `[]` and name steps into arrays.
    index_children: Vec<u32>,
    /// Events in which the value here is an object or an array.
    container_events: PackedList,
    /// The terms at this path.
    terms: Vec<u32>,
}

/// A generalised path (`resources[].ARN`), for facets.
#[derive(Debug, Clone, Default)]
struct GeneralPath {
    text: String,
    concrete: Vec<u32>,
    /// Events with at least one leaf here.
    leaf_events: usize,
    last_event: Option<u32>,
}

/// A term: a value (kind, text id) at a concrete path node, with its postings. The fields
/// a query reads together share one 16-byte record.
#[derive(Debug, Clone, Copy)]
struct Term {
    node: u32,
    text: u32,
    /// The term's only event when below [`LIST`], else `LIST | i` for `TermIndex::lists[i]`.
    posting: u32,
    kind: Kind,
}

/// Every term, by id.
#[derive(Debug, Clone, Default)]
struct Terms(Vec<Term>);

impl Terms {
    fn len(&self) -> usize {
        self.0.len()
    }

    /// The (node, kind, text) key of `term`.
    fn key(&self, term: u32) -> Option<(u32, Kind, u32)> {
        let term = self.0.get(term as usize)?;
        Some((term.node, term.kind, term.text))
    }

    fn kind(&self, term: u32) -> Option<Kind> {
        self.0.get(term as usize).map(|term| term.kind)
    }

    fn text(&self, term: u32) -> u32 {
        self.0.get(term as usize).map_or(0, |term| term.text)
    }
}

/// The hash under which a term is filed in `TermIndex::term_by_key`.
fn term_hash(key: (u32, Kind, u32)) -> u64 {
    FxBuildHasher.hash_one(key)
}

/// An index of (path, value) terms with postings, built one record at a time.
#[derive(Debug, Clone)]
pub struct TermIndex {
    strings: Dictionary,
    nodes: Vec<PathNode>,
    node_by_step: FxHashMap<(u32, ConcreteStep), u32>,
    generals: Vec<GeneralPath>,
    general_by_step: FxHashMap<(u32, GeneralStep), u32>,
    general_by_text: FxHashMap<String, u32>,
    terms: Terms,
    /// The posting lists of terms held by more than one event (or by an id from [`LIST`] up).
    lists: Vec<PackedList>,
    /// Term ids, found by the hash of their (node, kind, text) key.
    term_by_key: HashTable<u32>,
    /// One bit per event id added.
    added: Vec<u64>,
    last_added: Option<u32>,
    /// Reused by [`TermIndex::add_text`]: the record's entries, and the path node of each.
    walk: Walk,
    walk_nodes: Vec<u32>,
    /// Where [`TermIndex::reserve_ahead`] last measured: (events added, and [`Growth`] then).
    growth_mark: Option<(u32, Growth)>,
    /// The tables [`TermIndex::reserve_ahead`] is still to grow, last first.
    growth_plan: Vec<GrowthStep>,
    /// The most bytes [`TermIndex::reserve_ahead`] makes room up to.
    memory_cap: usize,
}

/// What grows as events are added: terms, posting lists, distinct texts, bytes of text.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Growth([usize; 4]);

/// Room to make in one of the tables that grow with the events added.
#[derive(Debug, Clone, Copy, PartialEq)]
enum GrowthStep {
    Terms(usize),
    TermTable(usize),
    Lists(usize),
    /// Texts, and their bytes.
    Strings(usize, usize),
}

/// Events added since the mark before the growth per event is trusted.
const GROWTH_SAMPLE: u32 = 2_000;

impl Default for TermIndex {
    fn default() -> Self {
        Self {
            strings: Dictionary::default(),
            nodes: vec![PathNode::default()],
            node_by_step: FxHashMap::default(),
            generals: vec![GeneralPath::default()],
            general_by_step: FxHashMap::default(),
            general_by_text: FxHashMap::default(),
            terms: Terms::default(),
            lists: Vec::new(),
            term_by_key: HashTable::new(),
            added: Vec::new(),
            last_added: None,
            walk: Walk::default(),
            walk_nodes: Vec::new(),
            growth_mark: None,
            growth_plan: Vec::new(),
            memory_cap: usize::MAX,
        }
    }
}

impl TermIndex {
    /// An empty index.
    pub fn new() -> Self {
        Self::default()
    }

    /// Indexes `record` as event `event_idx`. Ids must increase (gaps are fine); a record
    /// whose id is not above the last one added is ignored and `false` returned, which keeps
    /// every posting list sorted and free of repeats.
    pub fn add(&mut self, event_idx: u32, record: &Value) -> bool {
        if !self.begin(event_idx) {
            return false;
        }
        // An explicit stack: the walk's depth never depends on the call stack.
        let mut pending: Vec<(u32, &Value)> = vec![(0, record)];
        while let Some((node, value)) = pending.pop() {
            match value {
                Value::Object(members) => {
                    self.mark_container(node, event_idx);
                    for (name, child) in members {
                        let name = self.strings.intern(name);
                        pending.push((self.child(node, ConcreteStep::Key(name)), child));
                    }
                }
                Value::Array(elements) => {
                    self.mark_container(node, event_idx);
                    for (position, child) in elements.iter().enumerate() {
                        let step = ConcreteStep::Index(position as u32);
                        pending.push((self.child(node, step), child));
                    }
                }
                Value::String(text) => self.add_leaf(node, Kind::String, text, event_idx),
                Value::Number(number) => {
                    let (text, _) = number_parts(number);
                    self.add_leaf(node, Kind::Number, &text, event_idx);
                }
                Value::Bool(flag) => {
                    let text = if *flag { "true" } else { "false" };
                    self.add_leaf(node, Kind::Bool, text, event_idx);
                }
                Value::Null => self.add_leaf(node, Kind::Null, "null", event_idx),
            }
        }
        true
    }

    /// Makes room for `events_ahead` more events, so that the tables grow once, early, rather
    /// than double (rehashing or moving everything held, one long pause each at millions of
    /// terms) as they fill. The room is what the events added since the measure began took per
    /// event, times `events_ahead`, with a tenth more; it is made once the measure spans a
    /// sixteenth of all the events (added and ahead), and at least [`GROWTH_SAMPLE`], so the
    /// first events' values, new to the index, weigh little; then the measure starts again.
    /// The four growing tables are grown one per call.
    pub fn reserve_ahead(&mut self, events_ahead: u32) {
        if let Some(step) = self.growth_plan.pop() {
            self.grow(step);
            return;
        }
        let added = self.n_added();
        let now = Growth([
            self.terms.len(),
            self.lists.len(),
            self.strings.len(),
            self.strings.text_bytes(),
        ]);
        let Some((mark_added, mark)) = self.growth_mark else {
            self.growth_mark = Some((added, now));
            return;
        };
        let sampled = added.saturating_sub(mark_added);
        if sampled < GROWTH_SAMPLE.max(added.saturating_add(events_ahead) / 16) {
            return;
        }
        self.growth_mark = Some((added, now));
        // No more room than the memory cap leaves, at the bytes per event held so far: room
        // made for events that will not fit would only stop indexing sooner.
        let per_event = (self.memory_bytes() / added.max(1) as usize).max(1);
        let fit = self.memory_cap.saturating_sub(self.memory_bytes()) / per_event;
        let events_ahead = events_ahead.min(u32::try_from(fit).unwrap_or(u32::MAX));
        let ahead = |field: usize| {
            let grown = now.0[field].saturating_sub(mark.0[field]) as f64;
            (grown / f64::from(sampled) * f64::from(events_ahead) * 1.1) as usize
        };
        // Each table's growth is a pause of its own; together they would make one long one,
        // so one grows now and the others at the next calls.
        self.growth_plan = vec![
            GrowthStep::Strings(ahead(2), ahead(3)),
            GrowthStep::Lists(ahead(1)),
            GrowthStep::TermTable(ahead(0)),
            GrowthStep::Terms(ahead(0)),
        ];
        if let Some(step) = self.growth_plan.pop() {
            self.grow(step);
        }
    }

    /// Caps the room [`TermIndex::reserve_ahead`] makes: the index's tables are not grown
    /// ahead past `bytes` in all (they still grow as they fill).
    pub fn set_memory_cap(&mut self, bytes: usize) {
        self.memory_cap = bytes;
        self.growth_plan.clear();
    }

    /// Makes the room of `step` if memory allows; if not, the table grows as it fills, as it
    /// would have.
    fn grow(&mut self, step: GrowthStep) {
        match step {
            GrowthStep::Terms(terms) => {
                let _ = self.terms.0.try_reserve(terms);
            }
            GrowthStep::TermTable(terms) => {
                let Self {
                    terms: all,
                    term_by_key,
                    ..
                } = self;
                let _ = term_by_key.try_reserve(terms, |&term| all.key(term).map_or(0, term_hash));
            }
            GrowthStep::Lists(lists) => {
                let _ = self.lists.try_reserve(lists);
            }
            GrowthStep::Strings(ids, bytes) => self.strings.try_reserve(ids, bytes),
        }
    }

    /// How many events have been added.
    fn n_added(&self) -> u32 {
        self.added.iter().map(|bits| bits.count_ones()).sum()
    }

    /// Indexes the record whose JSON text is `json` as event `event_idx`, exactly as
    /// [`TermIndex::add`] indexes its parsed value, without building one (at a fraction of the
    /// cost). `None` when the text is to be parsed and given to `add` instead: it is not one
    /// JSON value, or an object repeats a key (a parsed value keeps the last of them).
    pub fn add_text(&mut self, event_idx: u32, json: &str) -> Option<bool> {
        let mut walk = std::mem::take(&mut self.walk);
        let added =
            (walk.read(json) && !walk.repeated_key).then(|| self.add_walk(event_idx, &walk));
        self.walk = walk;
        added
    }

    /// Indexes a stored record's text as event `event_idx`, as its parsed value would be;
    /// text that is not JSON adds nothing (and `false` is returned).
    pub fn add_record_text(&mut self, event_idx: u32, json: &str) -> bool {
        match self.add_text(event_idx, json) {
            Some(added) => added,
            None => {
                serde_json::from_str::<Value>(json).is_ok_and(|record| self.add(event_idx, &record))
            }
        }
    }

    fn add_walk(&mut self, event_idx: u32, walk: &Walk) -> bool {
        if !self.begin(event_idx) {
            return false;
        }
        let mut nodes = std::mem::take(&mut self.walk_nodes);
        nodes.clear();
        for entry in &walk.entries {
            let parent = nodes.get(entry.parent as usize).copied().unwrap_or(0);
            let node = match entry.step {
                WalkStep::Root => 0,
                WalkStep::Key(start, end) => {
                    let name = self.strings.intern(walk.slice(start, end));
                    self.child(parent, ConcreteStep::Key(name))
                }
                WalkStep::Index(position) => self.child(parent, ConcreteStep::Index(position)),
            };
            nodes.push(node);
            match entry.value {
                WalkValue::Container => self.mark_container(node, event_idx),
                WalkValue::Leaf(kind, start, end) => {
                    self.add_leaf(node, kind, walk.slice(start, end), event_idx);
                }
            }
        }
        self.walk_nodes = nodes;
        true
    }

    /// Notes `event_idx` as added; `false` (and nothing noted) unless it is above the last.
    fn begin(&mut self, event_idx: u32) -> bool {
        if self.last_added.is_some_and(|last| event_idx <= last) {
            return false;
        }
        self.last_added = Some(event_idx);
        let word = (event_idx / 64) as usize;
        if self.added.len() <= word {
            self.added.resize(word + 1, 0);
        }
        if let Some(bits) = self.added.get_mut(word) {
            *bits |= 1 << (event_idx % 64);
        }
        true
    }

    fn mark_container(&mut self, node: u32, event_idx: u32) {
        if let Some(path) = self.nodes.get_mut(node as usize) {
            path.container_events.push_once(event_idx);
        }
    }

    fn add_leaf(&mut self, node: u32, kind: Kind, text: &str, event_idx: u32) {
        let text = self.strings.intern(text);
        self.add_term_event(node, kind, text, event_idx);
        let general = self.nodes.get(node as usize).map_or(0, |path| path.general);
        if let Some(general) = self.generals.get_mut(general as usize) {
            if general.last_event != Some(event_idx) {
                general.last_event = Some(event_idx);
                general.leaf_events += 1;
            }
        }
    }

    /// Adds `event_idx` (not below any event already there) to the postings of the term
    /// (`node`, `kind`, `text`), creating the term if new; returns the term.
    fn add_term_event(&mut self, node: u32, kind: Kind, text: u32, event_idx: u32) -> u32 {
        let key = (node, kind, text);
        let hash = term_hash(key);
        let Self {
            terms, term_by_key, ..
        } = self;
        if let Some(&term) = term_by_key.find(hash, |&term| terms.key(term) == Some(key)) {
            self.add_posting(term, event_idx);
            term
        } else {
            let term = terms.len() as u32;
            let posting = if event_idx < LIST {
                event_idx
            } else {
                self.lists.push(PackedList::one(event_idx));
                LIST | (self.lists.len() - 1) as u32
            };
            terms.0.push(Term {
                node,
                text,
                posting,
                kind,
            });
            term_by_key.insert_unique(hash, term, |&term| terms.key(term).map_or(0, term_hash));
            if let Some(path) = self.nodes.get_mut(node as usize) {
                path.terms.push(term);
            }
            term
        }
    }

    /// Adds `event_idx` (not below any event already there) to the postings of `term`. A
    /// second event moves the first into a list of its own (list ids stay below [`LIST`]: a
    /// list costs at least 24 bytes, so 2^31 of them never fit in memory).
    fn add_posting(&mut self, term: u32, event_idx: u32) {
        let Some(posting) = self
            .terms
            .0
            .get_mut(term as usize)
            .map(|term| &mut term.posting)
        else {
            return;
        };
        if *posting & LIST == 0 {
            if *posting != event_idx {
                self.lists.push(PackedList::pair(*posting, event_idx));
                *posting = LIST | (self.lists.len() - 1) as u32;
            }
        } else if let Some(events) = self.lists.get_mut((*posting & !LIST) as usize) {
            events.push_once(event_idx);
        }
    }

    /// The sorted events holding `term`.
    fn events(&self, term: u32) -> Postings<'_> {
        match self.terms.0.get(term as usize).map(|term| &term.posting) {
            Some(&posting) if posting & LIST == 0 => Postings::one(posting),
            Some(posting) => self
                .lists
                .get((posting & !LIST) as usize)
                .map_or(Postings::none(), PackedList::postings),
            None => Postings::none(),
        }
    }

    /// The term with value `kind`, `text` at path node `node`, if any event holds it.
    fn find_term(&self, node: u32, kind: Kind, text: u32) -> Option<u32> {
        let key = (node, kind, text);
        self.term_by_key
            .find(term_hash(key), |&term| self.terms.key(term) == Some(key))
            .copied()
    }

    /// The child of `parent` by `step`, created (with its generalised path) if new.
    fn child(&mut self, parent: u32, step: ConcreteStep) -> u32 {
        if let Some(&node) = self.node_by_step.get(&(parent, step)) {
            return node;
        }
        let parent_general = self
            .nodes
            .get(parent as usize)
            .map_or(0, |path| path.general);
        let general_step = match step {
            ConcreteStep::Key(name) => GeneralStep::Key(name),
            ConcreteStep::Index(_) => GeneralStep::AnyIndex,
        };
        let general =
            if let Some(&general) = self.general_by_step.get(&(parent_general, general_step)) {
                general
            } else {
                let parent_text = self
                    .generals
                    .get(parent_general as usize)
                    .map_or("", |general| general.text.as_str());
                let text = match general_step {
                    GeneralStep::Key(name) => {
                        let name = self.strings.text(name);
                        if !is_plain_key(name) {
                            format!("{parent_text}[{}]", quote(name))
                        } else if parent_text.is_empty() {
                            name.to_owned()
                        } else {
                            format!("{parent_text}.{name}")
                        }
                    }
                    GeneralStep::AnyIndex => format!("{parent_text}[]"),
                };
                let general = self.generals.len() as u32;
                self.general_by_text.insert(text.clone(), general);
                self.generals.push(GeneralPath {
                    text,
                    ..GeneralPath::default()
                });
                self.general_by_step
                    .insert((parent_general, general_step), general);
                general
            };
        let node = self.nodes.len() as u32;
        self.nodes.push(PathNode {
            general,
            ..PathNode::default()
        });
        self.node_by_step.insert((parent, step), node);
        if let Some(general) = self.generals.get_mut(general as usize) {
            general.concrete.push(node);
        }
        if let ConcreteStep::Index(_) = step {
            if let Some(parent) = self.nodes.get_mut(parent as usize) {
                parent.index_children.push(node);
            }
        }
        node
    }

    /// The events `expr` selects among those added with ids below `n_events`. Events never
    /// added are never selected, not even by `NOT`.
    pub fn execute(&self, expr: &Expr, n_events: u32) -> Bitset {
        match expr {
            Expr::MatchAll => self.added_events(n_events),
            Expr::And(parts) => {
                let mut selected = self.added_events(n_events);
                for part in parts {
                    if selected.is_empty() {
                        break;
                    }
                    selected.intersect_with(&self.execute(part, n_events));
                }
                selected
            }
            Expr::Or(parts) => {
                let mut selected = Bitset::empty(n_events);
                for part in parts {
                    selected.union_with(&self.execute(part, n_events));
                }
                selected
            }
            Expr::Not(inner) => {
                let mut selected = self.added_events(n_events);
                selected.subtract(&self.execute(inner, n_events));
                selected
            }
            Expr::Compare { path, comparison } => {
                let nodes = self.resolve(path, false);
                self.compare(&nodes, comparison, n_events)
            }
            Expr::FieldIs { path, pattern } => {
                let glob = Glob::new(pattern);
                let nodes = self.resolve(path, true);
                self.union_of_terms(&nodes, n_events, |leaf| glob.matches(leaf))
            }
            Expr::FreeText(phrase) => self.free_text(&phrase.to_lowercase(), n_events),
        }
    }

    fn compare(&self, nodes: &[u32], comparison: &Comparison, n_events: u32) -> Bitset {
        match comparison {
            Comparison::NotExists => {
                let mut present = Bitset::empty(n_events);
                for node in nodes
                    .iter()
                    .filter_map(|&node| self.nodes.get(node as usize))
                {
                    node.container_events
                        .postings()
                        .iter()
                        .for_each(|event| present.insert(event));
                    for &term in &node.terms {
                        self.events(term)
                            .iter()
                            .for_each(|event| present.insert(event));
                    }
                }
                let mut absent = self.added_events(n_events);
                absent.subtract(&present);
                absent
            }
            Comparison::Text {
                negated: false,
                text: TextMatch::Exact(text),
            } => {
                // Equality is a lookup: the text as a string, a number's or a bool's JSON text.
                let mut selected = Bitset::empty(n_events);
                let Some(text) = self.strings.lookup(text) else {
                    return selected;
                };
                for &node in nodes {
                    self.insert_text_events(node, text, &mut selected);
                }
                selected
            }
            other => self.union_of_terms(nodes, n_events, |leaf| passes_comparison(other, leaf)),
        }
    }

    /// The union of the events of every term at `nodes` whose value passes `test`.
    fn union_of_terms(
        &self,
        nodes: &[u32],
        n_events: u32,
        test: impl Fn(Leaf<'_>) -> bool,
    ) -> Bitset {
        let mut selected = Bitset::empty(n_events);
        for term in self.terms_at(nodes) {
            if test(self.leaf(term)) {
                self.events(term)
                    .iter()
                    .for_each(|event| selected.insert(event));
            }
        }
        selected
    }

    /// Every term held at the path nodes `nodes`.
    fn terms_at<'a>(&'a self, nodes: &'a [u32]) -> impl Iterator<Item = u32> + 'a {
        nodes
            .iter()
            .filter_map(|&node| self.nodes.get(node as usize))
            .flat_map(|node| node.terms.iter().copied())
    }

    fn free_text(&self, needle: &str, n_events: u32) -> Bitset {
        // Each distinct text is judged once, all of them in one scan, however many paths hold it.
        let found = texts_containing(&self.strings, needle);
        let mut selected = Bitset::empty(n_events);
        for (term, &Term { kind, text, .. }) in (0u32..).zip(&self.terms.0) {
            if matches!(kind, Kind::String | Kind::Number)
                && found.get(text as usize).copied().unwrap_or(false)
            {
                self.events(term)
                    .iter()
                    .for_each(|event| selected.insert(event));
            }
        }
        selected
    }

    fn leaf(&self, term: u32) -> Leaf<'_> {
        let text = self.strings.text(self.terms.text(term));
        match self.terms.kind(term) {
            Some(Kind::String) => Leaf::String(text),
            Some(Kind::Number) => Leaf::Number(text, number_value(text)),
            Some(Kind::Bool) => Leaf::Bool(text == "true"),
            Some(Kind::Null) | None => Leaf::Null,
        }
    }

    /// The events added with ids below `n_events`.
    fn added_events(&self, n_events: u32) -> Bitset {
        Bitset::from_words(n_events, &self.added)
    }

    /// The concrete paths `path` reaches, mirroring the evaluator's walk: with
    /// `names_look_into_arrays`, a name step also looks into every element of an array there.
    fn resolve(&self, path: &Path, names_look_into_arrays: bool) -> Vec<u32> {
        let mut current = vec![0u32];
        for step in &path.steps {
            let mut next = Vec::new();
            for &node in &current {
                match step {
                    Step::Key(name) => {
                        let Some(name) = self.strings.lookup(name) else {
                            return Vec::new();
                        };
                        let mut pending = vec![node];
                        while let Some(node) = pending.pop() {
                            next.extend(self.node_by_step.get(&(node, ConcreteStep::Key(name))));
                            if names_look_into_arrays {
                                pending.extend(self.index_children(node));
                            }
                        }
                    }
                    Step::Index(index) => {
                        next.extend(self.node_by_step.get(&(node, ConcreteStep::Index(*index))));
                    }
                    Step::AnyIndex => next.extend(self.index_children(node)),
                }
            }
            current = next;
        }
        current
    }

    fn index_children(&self, node: u32) -> impl Iterator<Item = u32> + '_ {
        self.nodes
            .get(node as usize)
            .into_iter()
            .flat_map(|path| path.index_children.iter().copied())
    }

    /// Every generalised path holding a leaf (`resources[].ARN`, `[]` for any array element),
    /// sorted by path text, with the number of events that have a leaf there.
    pub fn paths(&self) -> impl Iterator<Item = (&str, usize)> {
        let mut listed: Vec<(&str, usize)> = self
            .generals
            .iter()
            .skip(1)
            .filter(|general| general.leaf_events > 0)
            .map(|general| (general.text.as_str(), general.leaf_events))
            .collect();
        listed.sort_unstable();
        listed.into_iter()
    }

    /// The `n` most frequent value texts at `generalised_path` among the events in `within`
    /// whose text contains `contains` (ignoring case; `""` for all), most frequent first, ties
    /// by text; and how many distinct texts match with a count above zero. Each event counts
    /// once per text. A value's text is a string itself or a number's or bool's JSON text, so
    /// the string `"1"` and the number `1` count together, as [`Expr::field_equals`] selects
    /// them together; `null` is not a value here (`IS NULL` asks for it).
    pub fn top_values(
        &self,
        generalised_path: &str,
        within: &Bitset,
        contains: &str,
        n: usize,
    ) -> (Vec<(String, u32)>, usize) {
        let Some(general) = self
            .general_by_text
            .get(generalised_path)
            .and_then(|&general| self.generals.get(general as usize))
        else {
            return (Vec::new(), 0);
        };
        let mut terms_by_text: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
        for term in self.terms_at(&general.concrete) {
            if self.terms.kind(term) != Some(Kind::Null) {
                terms_by_text
                    .entry(self.terms.text(term))
                    .or_default()
                    .push(term);
            }
        }
        let filter = contains.to_lowercase();
        let mut counted: Vec<(String, u32)> = Vec::new();
        for (text, terms) in terms_by_text {
            let text = self.strings.text(text);
            if !text.to_lowercase().contains(&filter) {
                continue;
            }
            let count = if let [term] = terms.as_slice() {
                self.events(*term)
                    .iter()
                    .filter(|&event| within.contains(event))
                    .count()
            } else {
                let mut events: Vec<u32> = terms
                    .iter()
                    .flat_map(|&term| self.events(term))
                    .filter(|&event| within.contains(event))
                    .collect();
                events.sort_unstable();
                events.dedup();
                events.len()
            };
            if count > 0 {
                counted.push((text.to_owned(), count as u32));
            }
        }
        let distinct = counted.len();
        counted.sort_by(|left, right| right.1.cmp(&left.1).then_with(|| left.0.cmp(&right.0)));
        counted.truncate(n);
        (counted, distinct)
    }

    /// The values at `generalised_path` (as [`TermIndex::paths`] lists it) with their
    /// postings, for inverting a path into per-event values: one entry per (concrete path,
    /// value) term that is not `null`, as (text id, sorted event ids). Equal texts have equal
    /// ids ([`TermIndex::value_text`] gives the text), so the string `"1"` and the number `1`
    /// share an id, as in [`TermIndex::top_values`]; an event may appear under several
    /// entries of one id (`resources[0].ARN` and `resources[1].ARN`).
    pub fn path_postings(&self, generalised_path: &str) -> Vec<(u32, Postings<'_>)> {
        let Some(general) = self
            .general_by_text
            .get(generalised_path)
            .and_then(|&general| self.generals.get(general as usize))
        else {
            return Vec::new();
        };
        self.terms_at(&general.concrete)
            .filter(|&term| self.terms.kind(term) != Some(Kind::Null))
            .map(|term| (self.terms.text(term), self.events(term)))
            .collect()
    }

    /// The text of a text id from [`TermIndex::path_postings`] (`""` for an unknown id).
    pub fn value_text(&self, text_id: u32) -> &str {
        self.strings.text(text_id)
    }

    /// The events (ids below `n_events`) with a leaf whose text is exactly `text` (a string,
    /// or a number's or bool's JSON text, as [`Expr::field_equals`] compares) at any
    /// generalised path for which `at_path` holds.
    pub fn events_with_text(
        &self,
        text: &str,
        n_events: u32,
        at_path: impl Fn(&str) -> bool,
    ) -> Bitset {
        let mut selected = Bitset::empty(n_events);
        let Some(text) = self.strings.lookup(text) else {
            return selected;
        };
        for general in self.generals.iter().skip(1) {
            if general.leaf_events == 0 || !at_path(&general.text) {
                continue;
            }
            for &node in &general.concrete {
                self.insert_text_events(node, text, &mut selected);
            }
        }
        selected
    }

    /// Adds to `selected` the events holding `text` at `node` as a string, or as a number's or
    /// bool's JSON text (what equality compares).
    fn insert_text_events(&self, node: u32, text: u32, selected: &mut Bitset) {
        for kind in [Kind::String, Kind::Number, Kind::Bool] {
            if let Some(term) = self.find_term(node, kind, text) {
                self.events(term)
                    .iter()
                    .for_each(|event| selected.insert(event));
            }
        }
    }

    /// Approximate heap bytes held: dictionary, path tree, terms, postings and hash tables.
    pub fn memory_bytes(&self) -> usize {
        use std::mem::size_of;
        fn map_bytes<K, V>(map: &FxHashMap<K, V>) -> usize {
            table_bytes(map.capacity(), size_of::<(K, V)>())
        }
        let nodes: usize = self.nodes.capacity() * size_of::<PathNode>()
            + self
                .nodes
                .iter()
                .map(|node| {
                    (node.index_children.capacity() + node.terms.capacity()) * size_of::<u32>()
                        + node.container_events.heap_bytes()
                })
                .sum::<usize>();
        let generals: usize = self.generals.capacity() * size_of::<GeneralPath>()
            + self
                .generals
                .iter()
                .map(|general| {
                    general.text.capacity() * 2 + general.concrete.capacity() * size_of::<u32>()
                })
                .sum::<usize>();
        let terms = self.terms.0.capacity() * size_of::<Term>();
        let lists: usize = self.lists.capacity() * size_of::<PackedList>()
            + self.lists.iter().map(PackedList::heap_bytes).sum::<usize>();
        self.strings.memory_bytes()
            + nodes
            + generals
            + terms
            + lists
            + map_bytes(&self.node_by_step)
            + map_bytes(&self.general_by_step)
            + map_bytes(&self.general_by_text)
            + table_bytes(self.term_by_key.capacity(), size_of::<u32>())
            + self.added.capacity() * size_of::<u64>()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::test_support::everything;
    use super::super::{matches_value, parse, Bitset, Expr};
    use super::TermIndex;

    fn sample() -> TermIndex {
        let mut index = TermIndex::new();
        index.add(
            0,
            &json!({"e": "A", "r": [{"arn": "x"}, {"arn": "y"}], "n": 1}),
        );
        index.add(
            2,
            &json!({"e": "B", "r": [{"arn": "x"}, {"arn": "x"}], "n": "1"}),
        );
        index.add(3, &json!({"e": "A", "r": [], "o": {"k": null}, "n": true}));
        index
    }

    #[test]
    fn room_made_ahead_holds_the_rest_without_growing_again() {
        let total = 40_000u32;
        let record = |i: u32| {
            json!({"eventName": format!("Get{}", i % 17), "requestID": format!("req-{i}"),
                   "n": i, "r": [{"arn": format!("arn:{}", i % 5)}]})
            .to_string()
        };
        let capacities = |index: &TermIndex| {
            (
                index.terms.0.capacity(),
                index.term_by_key.capacity(),
                index.lists.capacity(),
            )
        };
        let mut index = TermIndex::new();
        let mut planned = None;
        for i in 0..total {
            if i % 500 == 0 {
                index.reserve_ahead(total - i);
                if planned.is_none()
                    && index.growth_mark.is_some_and(|(added, _)| added > 0)
                    && index.growth_plan.is_empty()
                {
                    planned = Some((i, capacities(&index)));
                }
            }
            assert!(index.add_record_text(i, &record(i)));
        }
        let (at, made) = planned.expect("room was made");
        assert!(at <= total / 4, "room made after {at} events");
        assert_eq!(capacities(&index), made, "grown again after room was made");
        // Not much more than needed: a term per event is unique (`requestID`, `n`).
        assert!(index.terms.0.capacity() < index.terms.len() * 3 / 2);

        // Capped at 256 KB, room is made for no more than fits: the tables grow as they fill.
        let mut capped = TermIndex::new();
        capped.set_memory_cap(256 << 10);
        for i in 0..total {
            if i % 500 == 0 {
                capped.reserve_ahead(total - i);
            }
            assert!(capped.add_record_text(i, &record(i)));
            if i == 6_000 {
                assert!(
                    capped.terms.0.capacity() < 4 * capped.terms.len(),
                    "{} terms, room for {}",
                    capped.terms.len(),
                    capped.terms.0.capacity()
                );
            }
        }
    }

    #[test]
    fn skipped_and_unknown_ids_are_never_selected() {
        let index = sample();
        let ids = |query: &str, n| {
            index
                .execute(&parse(query).unwrap(), n)
                .iter()
                .collect::<Vec<_>>()
        };
        assert_eq!(ids("", 10), [0, 2, 3]);
        assert_eq!(ids("NOT e:A", 10), [2]);
        assert_eq!(ids("{ $.zzz NOT EXISTS }", 10), [0, 2, 3]);
        assert_eq!(ids("e:A", 3), [0]);
        assert_eq!(ids("{ $.r NOT EXISTS }", 4), [] as [u32; 0]);
        assert_eq!(ids("{ $.r[0] NOT EXISTS }", 4), [3]);
        assert_eq!(ids("{ $.o.k IS NULL }", 4), [3]);
    }

    #[test]
    fn ids_that_do_not_increase_are_refused() {
        let mut index = sample();
        assert!(!index.add(3, &json!({"e": "C"})));
        assert!(!index.add(1, &json!({"e": "C"})));
        assert!(index.execute(&parse("e:C").unwrap(), 10).is_empty());
        assert!(index.add(7, &json!({"e": "C"})));
        assert_eq!(
            index
                .execute(&parse("e:C").unwrap(), 10)
                .iter()
                .collect::<Vec<_>>(),
            [7]
        );
    }

    #[test]
    fn paths_are_generalised_and_count_events_once() {
        let index = sample();
        let paths: Vec<(&str, usize)> = index.paths().collect();
        assert_eq!(paths, [("e", 3), ("n", 3), ("o.k", 1), ("r[].arn", 2)]);
    }

    #[test]
    fn top_values_count_each_event_once_and_facet_queries_select_them() {
        let index = sample();
        let all = everything(4);
        let (top, distinct) = index.top_values("r[].arn", &all, "", 10);
        assert_eq!(top, [("x".to_owned(), 2), ("y".to_owned(), 1)]);
        assert_eq!(distinct, 2);
        let (top, distinct) = index.top_values("n", &all, "", 1);
        assert_eq!(top, [("1".to_owned(), 2)]);
        assert_eq!(distinct, 2);
        assert_eq!(
            index.top_values("r[].arn", &all, "Y", 10).0,
            [("y".to_owned(), 1)]
        );
        let only_three = Bitset::from_ids(4, [3]);
        assert_eq!(
            index.top_values("e", &only_three, "", 10),
            (vec![("A".to_owned(), 1)], 1)
        );
        assert_eq!(index.top_values("nope", &all, "", 10), (Vec::new(), 0));
        assert_eq!(index.top_values("o.k", &all, "", 10), (Vec::new(), 0));
        let facet = Expr::field_equals("r[].arn", "x").unwrap();
        assert_eq!(index.execute(&facet, 4).iter().collect::<Vec<_>>(), [0, 2]);
        let facet = Expr::field_equals("n", "1").unwrap();
        assert_eq!(index.execute(&facet, 4).iter().collect::<Vec<_>>(), [0, 2]);
    }

    #[test]
    fn text_is_indexed_as_its_value_and_a_repeated_key_is_handed_back() {
        let mut index = TermIndex::new();
        assert_eq!(
            index.add_text(0, r#"{"e":"A","r":[{"arn":"x"}]}"#),
            Some(true)
        );
        // A parsed value keeps the last of repeated keys; the caller indexes that.
        let repeated = r#"{"e":"first","e":"last"}"#;
        assert_eq!(index.add_text(1, repeated), None);
        assert!(index.add(1, &serde_json::from_str(repeated).unwrap()));
        assert_eq!(index.add_text(1, r#"{"e":"A"}"#), Some(false));
        assert_eq!(index.add_text(2, r#"{"e":"A""#), None);
        assert_eq!(index.add_text(3, r#"{"e":"A"}"#), Some(true));
        let ids = |query: &str| {
            let expr = crate::analytics::search::parse(query).unwrap();
            index.execute(&expr, 4).iter().collect::<Vec<_>>()
        };
        assert_eq!(ids("e:A"), [0, 3]);
        assert_eq!(ids("e:last"), [1]);
        assert_eq!(ids("e:first"), [] as [u32; 0]);
        assert_eq!(ids("r[0].arn:x"), [0]);
    }

    #[test]
    fn postings_invert_a_path_and_text_lookups_respect_the_path_test() {
        let index = sample();
        let mut postings: Vec<(&str, Vec<u32>)> = index
            .path_postings("r[].arn")
            .into_iter()
            .map(|(text, events)| (index.value_text(text), events.iter().collect()))
            .collect();
        postings.sort();
        assert_eq!(
            postings,
            [("x", vec![0, 2]), ("x", vec![2]), ("y", vec![0])]
        );
        let mut numbers: Vec<(&str, Vec<u32>)> = index
            .path_postings("n")
            .into_iter()
            .map(|(text, events)| (index.value_text(text), events.iter().collect()))
            .collect();
        numbers.sort();
        assert_eq!(numbers, [("1", vec![0]), ("1", vec![2]), ("true", vec![3])]);
        assert!(index.path_postings("o.k").is_empty());
        assert!(index.path_postings("nope").is_empty());
        let ids = |text: &str, test: fn(&str) -> bool| {
            index
                .events_with_text(text, 4, test)
                .iter()
                .collect::<Vec<_>>()
        };
        assert_eq!(ids("x", |_| true), [0, 2]);
        assert_eq!(ids("x", |path| path == "e"), [] as [u32; 0]);
        assert_eq!(ids("1", |path| path == "n"), [0, 2]);
        assert_eq!(ids("true", |_| true), [3]);
        assert_eq!(ids("null", |_| true), [] as [u32; 0]);
        assert_eq!(ids("zzz", |_| true), [] as [u32; 0]);
    }

    #[test]
    fn odd_names_stay_exact() {
        let record = json!({"a.b": "dotted", "a": {"b": "nested"}, "": {"[0]": 5}});
        let mut index = TermIndex::new();
        index.add(0, &record);
        let paths: Vec<&str> = index.paths().map(|(path, _)| path).collect();
        assert_eq!(paths, [r#"[""]["[0]"]"#, r#"["a.b"]"#, "a.b"]);
        for (path, value, expected) in [
            (r#"["a.b"]"#, "dotted", true),
            ("a.b", "dotted", false),
            (r#"[""]["[0]"]"#, "5", true),
        ] {
            let expr = Expr::field_equals(path, value).unwrap();
            assert_eq!(matches_value(&expr, &record), expected, "{path}");
            assert_eq!(index.execute(&expr, 1).contains(0), expected, "{path}");
        }
    }

    #[test]
    fn memory_grows_with_events() {
        let mut index = TermIndex::new();
        let empty = index.memory_bytes();
        for event in 0..100 {
            index.add(
                event,
                &json!({"eventName": format!("Name{}", event % 7), "n": event}),
            );
        }
        assert!(index.memory_bytes() > empty + 100 * 4);
    }

    #[test]
    fn deep_nesting_is_indexed_without_recursion() {
        let text = format!("{}1{}", "[".repeat(120), "]".repeat(120));
        let record: serde_json::Value = serde_json::from_str(&text).unwrap();
        let mut index = TermIndex::new();
        index.add(0, &json!({"deep": record}));
        assert_eq!(index.paths().count(), 1);
    }
}
