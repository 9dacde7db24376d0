//! The event store: one row per kept event in interned columns, the raw record text for the
//! detail view (in a [`RawArena`]: kept up to a budget, past it left in its file where it is
//! a slice of it), and de-duplication by `eventID`.
//!
//! Ids are dense `u32`s in order of arrival. A record whose `eventID` was seen before with the
//! same content is a duplicate delivery: it is counted against the kept copy and not stored. A
//! record that shares an `eventID` but differs in content is stored and flagged as a conflict.
//! Events become visible to queries at [`Store::commit`], which orders them by time.
//!
//! Content is compared as JSON values (key order and spacing aside). Texts with the same hash
//! are the same content; texts with different hashes are compared as values when both are at
//! hand. When one of them was left in its file, the offered record is *held* (not placed, not
//! counted) until its file and the kept copy's are lent again ([`Store::held_reads`],
//! [`Store::settle_held`]); only different texts under one `eventID` ever wait so.

use std::borrow::Cow;
use std::ops::Range;

use rustc_hash::FxHashMap;

use crate::analytics::ingest::normalize::Normalized;
use crate::analytics::model::column::Column;
use crate::analytics::model::event_ids::EventIds;
use crate::analytics::model::field::Field;
use crate::analytics::model::intern::Dictionary;
use crate::analytics::model::time::{Millis, UNDATED};
use crate::analytics::raw_arena::{text_hash, FileRead, Missing, RawArena, Reread};

/// What happened to a record offered to the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// Stored as a new event.
    Indexed,
    /// Stored, but another event with the same `eventID` has different content.
    Conflict,
    /// Not stored: an identical copy is already kept.
    Duplicate,
    /// Not stored yet: its content must be compared with text left in a file, which has to be
    /// read again first ([`Store::settle_held`] places it).
    Held,
}

/// Where the records a file reader finds go: the [`Store`], or a shard being written in a
/// worker (`ingest::shard`) whose records a store places later.
pub trait RecordSink {
    /// Offers one record; `raw` is its JSON text, `file_idx` the report it belongs to, and `at`
    /// where the text starts in its file's decoded text, when it is a verbatim slice of a file
    /// that can be read again.
    fn place(
        &mut self,
        record: &Normalized<'_>,
        raw: &str,
        file_idx: u32,
        at: Option<u64>,
    ) -> Placement;
}

impl RecordSink for Store {
    fn place(
        &mut self,
        record: &Normalized<'_>,
        raw: &str,
        file_idx: u32,
        at: Option<u64>,
    ) -> Placement {
        Store::place(self, record, raw, file_idx, at)
    }
}

/// A record's values as dictionary ids (see [`Store::intern_value`]).
#[derive(Debug, Clone, Copy)]
pub struct ValueIds<'a> {
    /// One id per [`Field`], in column order.
    pub values: &'a [u32; Field::COUNT],
}

/// Where the text of a record read elsewhere (a worker's shard) is, for [`Store::place_spanned`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShardText {
    /// In a block appended with [`Store::append_text_block`]: the block, start and length.
    Block {
        /// The store's block.
        block: u32,
        /// Where the text starts in the block.
        start: u32,
        /// Its length in bytes.
        len: u32,
        /// Where it is in its file's decoded text, when it is a slice of it.
        at: Option<u64>,
    },
    /// Left in its file: where it starts in the file's decoded text, and its length.
    InFile {
        /// Where the text starts in the file's decoded text.
        at: u64,
        /// Its length in bytes.
        len: u32,
    },
}

/// A record offered to the store: its values (already interned, or to intern from `record`),
/// its text and its file.
#[derive(Clone, Copy)]
struct Offer<'a, 'r> {
    record: &'a Normalized<'r>,
    ids: Option<ValueIds<'a>>,
    raw: RawRef<'a>,
    file_idx: u32,
}

/// A record's text as offered: the text (and its place in its file, if it is a slice of it),
/// or where it already is (a block of the arena, or its file), with its hash.
#[derive(Debug, Clone, Copy)]
enum RawRef<'a> {
    Text(&'a str, Option<u64>),
    Shard(ShardText, u64),
}

/// A record offered and held until text left in a file is read again: everything needed to
/// place it later, owned.
#[derive(Debug)]
struct Held {
    time: Option<Millis>,
    read_only: Option<bool>,
    event_id: String,
    values: [u32; Field::COUNT],
    resource_arns: Vec<String>,
    text: HeldText,
    file_idx: u32,
}

#[derive(Debug)]
enum HeldText {
    /// Read here: the text itself (and its place in its file, if any).
    Own(String, Option<u64>),
    /// Read elsewhere: where it is, and its hash.
    Shard(ShardText, u64),
}

/// Columnar storage of every kept event.
#[derive(Debug, Default)]
pub struct Store {
    time: Vec<Millis>,
    columns: Vec<Column>,
    dictionaries: Vec<Dictionary>,
    read_only: Vec<Option<bool>>,
    file: Column,
    duplicates: Column,
    conflict: Vec<bool>,
    event_ids: EventIds,
    event_id: Vec<u32>,
    /// For each `eventID` dictionary id, the first event that carried it.
    first_with_id: Vec<u32>,
    /// Further events with the same `eventID` (conflicts), as a chain from the first.
    next_with_id: FxHashMap<u32, u32>,
    resource_arns: Dictionary,
    resource_ids: Vec<u32>,
    resource_end: Vec<u32>,
    raw: RawArena,
    /// Records waiting to be compared with text left in a file.
    held: Vec<Held>,
    by_time: Vec<u32>,
    /// Bumped by every change to what queries and dashboards can see.
    changes: u64,
    /// `eventID` dictionary ids that gained a conflict since the last commit.
    unsettled: Vec<u32>,
}

impl Store {
    /// An empty store.
    pub fn new() -> Self {
        Self {
            columns: vec![Column::default(); Field::COUNT],
            dictionaries: vec![Dictionary::default(); Field::COUNT],
            // Dictionary id 0 is the empty `eventID`, which is never de-duplicated.
            first_with_id: vec![0],
            ..Self::default()
        }
    }

    /// Offers one record to the store; `raw` is its JSON text, `at` where it starts in its
    /// file's decoded text when it is a verbatim slice of a file that can be read again.
    pub fn place(
        &mut self,
        record: &Normalized<'_>,
        raw: &str,
        file_idx: u32,
        at: Option<u64>,
    ) -> Placement {
        self.place_raw(&Offer {
            record,
            ids: None,
            raw: RawRef::Text(raw, at),
            file_idx,
        })
    }

    /// Offers one record read elsewhere, whose values are already interned (`ids`, from
    /// [`Store::intern_value`]; the record's own values are not read) and whose text is in a
    /// block appended with [`Store::append_text_block`] or in its file (`text`), `hash` being
    /// the text's [`text_hash`].
    pub fn place_spanned(
        &mut self,
        record: &Normalized<'_>,
        ids: ValueIds<'_>,
        text: ShardText,
        hash: u64,
        file_idx: u32,
    ) -> Placement {
        self.place_raw(&Offer {
            record,
            ids: Some(ids),
            raw: RawRef::Shard(text, hash),
            file_idx,
        })
    }

    /// The id of `value` among the values of field `table` (in [`Field`] column order); added
    /// if new (0, the empty value, for a table that is no field's).
    pub fn intern_value(&mut self, table: usize, value: &str) -> u32 {
        self.dictionaries
            .get_mut(table)
            .map_or(0, |dictionary| dictionary.intern(value))
    }

    /// Appends a block of record text read elsewhere; returns its index for
    /// [`Store::place_spanned`].
    pub fn append_text_block(&mut self, text: String) -> u32 {
        self.raw.append_block(text)
    }

    /// Whether record text offered now (and `margin` bytes more) would still be kept, so a
    /// reader elsewhere should send it even when it is a slice of its file.
    pub fn keeps_text(&self, margin: usize) -> bool {
        self.raw.keeps_text(margin)
    }

    /// Whether text that is a slice of its file, offered now with its place, is kept at all
    /// (not once the store has let go of such text: see [`RawArena`]).
    pub fn takes_text_with_place(&self) -> bool {
        self.raw.takes_text_with_place()
    }

    /// Drops the text lent from files.
    pub fn release_loans(&mut self) {
        self.raw.release_loans();
    }

    fn place_raw(&mut self, offer: &Offer<'_, '_>) -> Placement {
        self.changes += 1;
        let Offer { record, raw, .. } = *offer;
        let mut conflict = false;
        // The empty `eventID` (id 0) is never de-duplicated.
        let (mut id_idx, mut first_with_it) = (0, false);
        if !record.event_id.is_empty() {
            (id_idx, first_with_it) = self.event_ids.intern_new(&record.event_id);
            if !first_with_it {
                let (same, last) = match self.same_id_events(id_idx, raw, offer.file_idx) {
                    Ok(found) => found,
                    Err(Missing::NotLent) => {
                        self.hold(offer);
                        return Placement::Held;
                    }
                    // Text that cannot be had as loaded is not proven the same: kept apart.
                    Err(Missing::Changed) => (None, self.last_with_id(id_idx)),
                };
                if let Some(event_idx) = same {
                    let at = event_idx as usize;
                    let count = self.duplicates.get(at).unwrap_or_default();
                    self.duplicates.set(at, count.saturating_add(1));
                    return Placement::Duplicate;
                }
                conflict = true;
                self.unsettled.push(id_idx);
                if let Some(last) = last {
                    self.next_with_id.insert(last, self.time.len() as u32);
                }
            }
        }
        self.push(offer, conflict, id_idx, first_with_it);
        if conflict {
            Placement::Conflict
        } else {
            Placement::Indexed
        }
    }

    /// Among the events with `eventID` id `id_idx`: the one with the same content as `raw`, if
    /// any, and the last of them; or why a comparison cannot be made now (text left in a file
    /// that is not lent).
    fn same_id_events(
        &self,
        id_idx: u32,
        raw: RawRef<'_>,
        file_idx: u32,
    ) -> Result<(Option<u32>, Option<u32>), Missing> {
        let (offered, offered_hash) = match raw {
            RawRef::Text(text, _) => (Ok(text), text_hash(text)),
            RawRef::Shard(
                ShardText::Block {
                    block, start, len, ..
                },
                hash,
            ) => (Ok(self.raw.block_text(block, start, len)), hash),
            RawRef::Shard(ShardText::InFile { at, len }, hash) => (
                self.raw.lent_text(file_idx, at..at + u64::from(len), hash),
                hash,
            ),
        };
        let mut candidate = self.first_with_id.get(id_idx as usize).copied();
        let mut last = None;
        let mut unknown = None;
        while let Some(event_idx) = candidate {
            let same = if self.raw.hash(event_idx) == offered_hash {
                Ok(true)
            } else {
                match (self.text(event_idx), offered) {
                    (Ok(kept), Ok(offered)) => Ok(same_content(kept, offered)),
                    (Err(missing), _) | (_, Err(missing)) => Err(missing),
                }
            };
            match same {
                Ok(true) => return Ok((Some(event_idx), last)),
                Ok(false) => {}
                Err(missing) => unknown = unknown.or(Some(missing)),
            }
            last = Some(event_idx);
            candidate = self.next_with_id.get(&event_idx).copied();
        }
        match unknown {
            Some(missing) => Err(missing),
            None => Ok((None, last)),
        }
    }

    /// The last event with `eventID` id `id_idx`.
    fn last_with_id(&self, id_idx: u32) -> Option<u32> {
        let mut last = self.first_with_id.get(id_idx as usize).copied()?;
        while let Some(&next) = self.next_with_id.get(&last) {
            last = next;
        }
        Some(last)
    }

    /// Keeps an offered record aside until the text it must be compared with is lent.
    fn hold(&mut self, offer: &Offer<'_, '_>) {
        let Offer {
            record,
            ids,
            raw,
            file_idx,
        } = *offer;
        let values = if let Some(ids) = ids {
            *ids.values
        } else {
            let mut values = [0; Field::COUNT];
            for (slot, (value, dictionary)) in values
                .iter_mut()
                .zip(record.values.iter().zip(&mut self.dictionaries))
            {
                *slot = dictionary.intern(value);
            }
            values
        };
        self.held.push(Held {
            time: record.time,
            read_only: record.read_only,
            event_id: record.event_id.to_string(),
            values,
            resource_arns: record
                .resource_arns
                .iter()
                .map(ToString::to_string)
                .collect(),
            text: match raw {
                RawRef::Text(text, at) => HeldText::Own(text.to_owned(), at),
                // Copied: the block may be freed before the record is placed.
                RawRef::Shard(
                    ShardText::Block {
                        block,
                        start,
                        len,
                        at,
                    },
                    _,
                ) => HeldText::Own(self.raw.block_text(block, start, len).to_owned(), at),
                RawRef::Shard(text, hash) => HeldText::Shard(text, hash),
            },
            file_idx,
        });
    }

    /// How many offered records are held (see [`Store::settle_held`]).
    pub fn n_held(&self) -> usize {
        self.held.len()
    }

    /// The text, left in files, that held records must be compared with and that is not lent
    /// now: (file, range of its decoded text), each once. `reread` says how a file is read.
    pub fn held_reads(&self, reread: impl Fn(u32) -> Option<Reread>) -> Vec<FileRead> {
        let mut wanted: Vec<(u32, Range<u64>)> = Vec::new();
        for held in &self.held {
            if let HeldText::Shard(ShardText::InFile { at, len }, _) = held.text {
                wanted.push((held.file_idx, at..at + u64::from(len)));
            }
            let id_idx = self.event_ids.lookup(&held.event_id).unwrap_or_default();
            let mut candidate = self.first_with_id.get(id_idx as usize).copied();
            while let Some(event_idx) = candidate {
                if let Some(range) = self.raw.in_file(event_idx) {
                    wanted.push((self.file_idx(event_idx), range));
                }
                candidate = self.next_with_id.get(&event_idx).copied();
            }
        }
        file_reads(
            wanted,
            |file_idx, range| self.raw.is_lent(file_idx, range),
            reread,
        )
    }

    /// Places the held records whose comparison can be made now (their text and their
    /// copies' is at hand), in the order they were offered; with `force`, every held record,
    /// a record whose comparison still cannot be made being kept as a conflict (not proven
    /// the same). Returns each placed record's file, placement and time.
    pub fn settle_held(&mut self, force: bool) -> Vec<(u32, Placement, Option<Millis>)> {
        let mut placed = Vec::new();
        for held in std::mem::take(&mut self.held) {
            let record = Normalized {
                time: held.time,
                time_source: crate::analytics::ingest::normalize::TimeSource::EventTime,
                event_id: Cow::Borrowed(held.event_id.as_str()),
                values: Default::default(),
                read_only: held.read_only,
                resource_arns: held
                    .resource_arns
                    .iter()
                    .map(|arn| Cow::Borrowed(arn.as_str()))
                    .collect(),
            };
            let ids = ValueIds {
                values: &held.values,
            };
            let raw = match &held.text {
                HeldText::Own(text, at) => RawRef::Text(text, *at),
                HeldText::Shard(text, hash) => RawRef::Shard(*text, *hash),
            };
            let offer = Offer {
                record: &record,
                ids: Some(ids),
                raw,
                file_idx: held.file_idx,
            };
            let id_idx = self.event_ids.lookup(&held.event_id).unwrap_or_default();
            let placement = match self.same_id_events(id_idx, raw, held.file_idx) {
                Err(Missing::NotLent) if !force => {
                    self.hold(&offer);
                    continue;
                }
                // Forced: kept apart, as not proven the same.
                Err(Missing::NotLent) => self.place_apart(&offer, id_idx),
                _ => self.place_raw(&offer),
            };
            placed.push((held.file_idx, placement, held.time));
        }
        placed
    }

    /// Stores an offered record as a conflict of the events with `eventID` id `id_idx`.
    fn place_apart(&mut self, offer: &Offer<'_, '_>, id_idx: u32) -> Placement {
        self.changes += 1;
        self.unsettled.push(id_idx);
        if let Some(last) = self.last_with_id(id_idx) {
            self.next_with_id.insert(last, self.time.len() as u32);
        }
        self.push(offer, true, id_idx, false);
        Placement::Conflict
    }

    /// Stores the offered record, `id_idx` being its `eventID`'s id (interned already), and
    /// `first_with_it` whether it is the first event with that `eventID`.
    fn push(&mut self, offer: &Offer<'_, '_>, conflict: bool, id_idx: u32, first_with_it: bool) {
        let Offer {
            record,
            ids,
            raw,
            file_idx,
        } = *offer;
        let event_idx = self.time.len() as u32;
        self.time.push(record.time.unwrap_or(UNDATED));
        if let Some(ids) = ids {
            for (column, &id) in self.columns.iter_mut().zip(ids.values) {
                column.push(id);
            }
        } else {
            for (field_idx, value) in record.values.iter().enumerate() {
                let id = self.dictionaries[field_idx].intern(value);
                self.columns[field_idx].push(id);
            }
        }
        self.read_only.push(record.read_only);
        self.file.push(file_idx);
        self.duplicates.push(0);
        self.conflict.push(conflict);
        if first_with_it {
            self.first_with_id.push(event_idx);
        }
        self.event_id.push(id_idx);
        for arn in &record.resource_arns {
            self.resource_ids.push(self.resource_arns.intern(arn));
        }
        self.resource_end.push(self.resource_ids.len() as u32);
        match raw {
            RawRef::Text(text, at) => self.raw.push(text, at),
            RawRef::Shard(
                ShardText::Block {
                    block,
                    start,
                    len,
                    at,
                },
                hash,
            ) => {
                self.raw.push_span(block, start, len, hash, at);
            }
            RawRef::Shard(ShardText::InFile { at, len }, hash) => {
                self.raw.push_in_file(at, len, hash);
            }
        }
    }

    /// The first event stored with this `eventID`, if any (never for the empty ID).
    pub fn find_event_id(&self, event_id: &str) -> Option<u32> {
        if event_id.is_empty() {
            return None;
        }
        let id_idx = self.event_ids.lookup(event_id)?;
        self.first_with_id.get(id_idx as usize).copied()
    }

    /// Orders every stored event by time (ties by arrival; undated events first) and makes them
    /// visible to queries.
    ///
    /// Only the events stored since the last commit are sorted; they are then merged with the
    /// committed order, so committing often during a long load stays cheap.
    pub fn commit(&mut self) {
        self.changes += 1;
        self.raw.compact();
        self.settle_conflicts();
        let time = &self.time;
        let committed = self.by_time.len() as u32;
        let mut fresh: Vec<u32> = (committed..time.len() as u32).collect();
        if fresh.is_empty() {
            return;
        }
        fresh.sort_by_key(|&event_idx| time[event_idx as usize]);
        let old = std::mem::take(&mut self.by_time);
        let mut merged = Vec::with_capacity(old.len() + fresh.len());
        let (mut old_iter, mut fresh_iter) = (old.iter().peekable(), fresh.iter().peekable());
        // On equal times the committed (earlier-arrived) event goes first: arrival order holds.
        while let (Some(&&a), Some(&&b)) = (old_iter.peek(), fresh_iter.peek()) {
            if time[b as usize] < time[a as usize] {
                merged.push(b);
                fresh_iter.next();
            } else {
                merged.push(a);
                old_iter.next();
            }
        }
        merged.extend(old_iter);
        merged.extend(fresh_iter);
        self.by_time = merged;
    }

    /// The number of stored events, committed or not.
    pub fn len(&self) -> usize {
        self.time.len()
    }

    /// Whether nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.time.is_empty()
    }

    /// Makes room for about `events` more events, so that storing them moves and rehashes
    /// nothing already held: above all the table of `eventID`s, whose every text is new and
    /// which, left to double as it fills, rehashes half a million IDs in one step at 1M events.
    /// Sized from the events stored so far (their IDs' length, their resources per event); as
    /// much of it as memory allows.
    pub fn reserve_ahead(&mut self, events: usize) {
        let stored = self.time.len().max(1);
        // What `events` more events hold of something at the rate seen so far.
        let scaled = |so_far: usize| {
            usize::try_from(so_far as u128 * events as u128 / stored as u128).unwrap_or(usize::MAX)
        };
        // Every event brings a new eventID (duplicates aside); distinct resource ARNs grow
        // more slowly than events, so their table is left to grow as it fills.
        self.event_ids.try_reserve(events);
        let _ = self.first_with_id.try_reserve(events);
        let _ = self
            .resource_ids
            .try_reserve(scaled(self.resource_ids.len()));
        for column in [&mut self.event_id, &mut self.resource_end] {
            let _ = column.try_reserve(events);
        }
        for column in [&mut self.file, &mut self.duplicates]
            .into_iter()
            .chain(&mut self.columns)
        {
            column.try_reserve(events);
        }
        let _ = self.time.try_reserve(events);
        let _ = self.read_only.try_reserve(events);
        let _ = self.conflict.try_reserve(events);
    }

    /// How many times what queries and dashboards see has changed: a placement or a commit.
    pub fn changes(&self) -> u64 {
        self.changes
    }

    /// The committed events, oldest first.
    pub fn by_time(&self) -> &[u32] {
        &self.by_time
    }

    /// The time of an event ([`UNDATED`] for an undated one).
    pub fn time(&self, event_idx: u32) -> Millis {
        self.time
            .get(event_idx as usize)
            .copied()
            .unwrap_or_default()
    }

    /// The interned id of a field's value for an event (0 = empty).
    pub fn value_id(&self, field: Field, event_idx: u32) -> u32 {
        self.columns[field.index()]
            .get(event_idx as usize)
            .unwrap_or_default()
    }

    /// The whole column of a field.
    pub fn column(&self, field: Field) -> &Column {
        &self.columns[field.index()]
    }

    /// The dictionary of a field.
    pub fn dictionary(&self, field: Field) -> &Dictionary {
        &self.dictionaries[field.index()]
    }

    /// The text of a field's value for an event.
    pub fn value(&self, field: Field, event_idx: u32) -> &str {
        self.dictionary(field).text(self.value_id(field, event_idx))
    }

    /// `readOnly` of an event, when stated.
    pub fn read_only(&self, event_idx: u32) -> Option<bool> {
        self.read_only.get(event_idx as usize).copied().flatten()
    }

    /// The index of the file an event was first read from.
    pub fn file_idx(&self, event_idx: u32) -> u32 {
        self.file.get(event_idx as usize).unwrap_or_default()
    }

    /// Every event's file index, as a column.
    pub fn file_column(&self) -> &Column {
        &self.file
    }

    /// How many identical copies of each event were dropped, as a column.
    pub fn duplicates_column(&self) -> &Column {
        &self.duplicates
    }

    /// How many identical copies of an event were dropped.
    pub fn duplicates(&self, event_idx: u32) -> u32 {
        self.duplicates.get(event_idx as usize).unwrap_or_default()
    }

    /// Decides which event of each `eventID` with several contents is the one not flagged: the
    /// earliest, ties broken by the text's hash. So the flags do not depend on the order files
    /// arrive in (a worker pool delivers them in any order); only that order's first copy of
    /// identical content is kept.
    fn settle_conflicts(&mut self) {
        let mut unsettled = std::mem::take(&mut self.unsettled);
        unsettled.sort_unstable();
        unsettled.dedup();
        for id_idx in unsettled {
            let mut members = Vec::new();
            let mut next = self.first_with_id.get(id_idx as usize).copied();
            while let Some(event_idx) = next {
                members.push(event_idx);
                next = self.next_with_id.get(&event_idx).copied();
            }
            let first = members.iter().copied().min_by(|&a, &b| {
                let time = |event_idx: u32| self.time.get(event_idx as usize).copied();
                time(a)
                    .cmp(&time(b))
                    .then_with(|| self.raw.hash(a).cmp(&self.raw.hash(b)))
            });
            for event_idx in members {
                if let Some(flag) = self.conflict.get_mut(event_idx as usize) {
                    *flag = Some(event_idx) != first;
                }
            }
        }
    }

    /// Whether an event shares its `eventID` with an event of different content that is
    /// earlier (or, at the same time, has the smaller text hash); set at commit.
    pub fn is_conflict(&self, event_idx: u32) -> bool {
        self.conflict
            .get(event_idx as usize)
            .copied()
            .unwrap_or_default()
    }

    /// `eventID` of an event (`""` when it had none).
    pub fn event_id(&self, event_idx: u32) -> Cow<'_, str> {
        self.event_ids.text(
            self.event_id
                .get(event_idx as usize)
                .copied()
                .unwrap_or_default(),
        )
    }

    /// The ARNs in an event's `resources`.
    pub fn resource_arns(&self, event_idx: u32) -> impl Iterator<Item = &str> {
        let end = self
            .resource_end
            .get(event_idx as usize)
            .copied()
            .unwrap_or_default() as usize;
        let start = match event_idx.checked_sub(1) {
            Some(previous) => self
                .resource_end
                .get(previous as usize)
                .copied()
                .unwrap_or_default() as usize,
            None => 0,
        };
        self.resource_ids
            .get(start..end)
            .unwrap_or_default()
            .iter()
            .map(|&id| self.resource_arns.text(id))
    }

    /// The record's JSON text as it was read: kept, or lent from its file.
    pub fn text(&self, event_idx: u32) -> Result<&str, Missing> {
        self.raw.text(event_idx, self.file_idx(event_idx))
    }

    /// The reads of files that the text of `events` needs and that are not lent now, one per
    /// file and run of its text. `reread` says how a file is read.
    pub fn text_reads(
        &self,
        events: impl IntoIterator<Item = u32>,
        reread: impl Fn(u32) -> Option<Reread>,
    ) -> Vec<FileRead> {
        let wanted = events
            .into_iter()
            .filter_map(|event_idx| Some((self.file_idx(event_idx), self.raw.in_file(event_idx)?)));
        file_reads(
            wanted,
            |file_idx, range| self.raw.is_lent(file_idx, range),
            reread,
        )
    }

    /// Lends the decoded text of a range of file `file_idx`, read again (see [`RawArena::lend`]).
    pub fn lend(&mut self, file_idx: u32, start: u64, bytes: Vec<u8>) {
        self.raw.lend(file_idx, start, bytes);
    }

    /// The text of events `first..end`, packed, and the reads of files it needs (see
    /// [`RawArena::pack`]).
    pub fn pack_raw(
        &self,
        first: u32,
        end: u32,
        reread: impl Fn(u32) -> Option<Reread>,
    ) -> (Vec<u8>, Vec<FileRead>) {
        self.raw
            .pack(first, end, |event_idx| self.file_idx(event_idx), reread)
    }

    /// Sets how much record text is kept before text that is a slice of its file is left there.
    pub fn set_resident_budget(&mut self, bytes: usize) {
        self.raw.set_resident_budget(bytes);
    }

    /// Bytes held by the records' text and places.
    pub fn raw_memory_bytes(&self) -> usize {
        self.raw.memory_bytes()
    }

    /// Bytes held by everything but the records' text: the columns, the dictionaries, the
    /// `eventID` table and chains, the resources and the time order (capacities, and hash
    /// tables' estimated buckets).
    pub fn core_memory_bytes(&self) -> usize {
        fn vec<T>(items: &Vec<T>) -> usize {
            items.capacity() * std::mem::size_of::<T>()
        }
        let columns: usize = self.columns.iter().map(Column::memory_bytes).sum();
        let dictionaries: usize = self
            .dictionaries
            .iter()
            .chain([&self.resource_arns])
            .map(Dictionary::memory_bytes)
            .sum::<usize>()
            + self.event_ids.memory_bytes();
        columns
            + dictionaries
            + vec(&self.time)
            + vec(&self.read_only)
            + self.file.memory_bytes()
            + self.duplicates.memory_bytes()
            + vec(&self.conflict)
            + vec(&self.event_id)
            + vec(&self.first_with_id)
            + self.next_with_id.capacity() * 9
            + vec(&self.resource_ids)
            + vec(&self.resource_end)
            + vec(&self.by_time)
    }

    /// Whether an event's text is kept or lent now (without reading it).
    pub fn text_at_hand(&self, event_idx: u32) -> bool {
        self.raw
            .in_file(event_idx)
            .is_none_or(|range| self.raw.is_lent(self.file_idx(event_idx), &range))
    }

    /// Bytes of each part of [`Store::core_memory_bytes`], by name (for measuring).
    pub fn core_memory_parts(&self) -> Vec<(String, usize)> {
        fn vec<T>(items: &Vec<T>) -> usize {
            items.capacity() * std::mem::size_of::<T>()
        }
        let mut parts: Vec<(String, usize)> = Field::ALL
            .iter()
            .map(|field| {
                (
                    format!("column {}", field.key()),
                    self.columns[field.index()].memory_bytes(),
                )
            })
            .collect();
        parts.extend(Field::ALL.iter().map(|field| {
            (
                format!("dictionary {}", field.key()),
                self.dictionaries[field.index()].memory_bytes(),
            )
        }));
        parts.extend([
            (
                "dictionary eventID".to_owned(),
                self.event_ids.memory_bytes(),
            ),
            (
                "dictionary resources".to_owned(),
                self.resource_arns.memory_bytes(),
            ),
            ("time".to_owned(), vec(&self.time)),
            ("readOnly".to_owned(), vec(&self.read_only)),
            ("file".to_owned(), self.file.memory_bytes()),
            ("duplicates".to_owned(), self.duplicates.memory_bytes()),
            ("conflict".to_owned(), vec(&self.conflict)),
            ("eventID ids".to_owned(), vec(&self.event_id)),
            ("first with eventID".to_owned(), vec(&self.first_with_id)),
            ("resource ids".to_owned(), vec(&self.resource_ids)),
            ("resource ends".to_owned(), vec(&self.resource_end)),
            ("by time".to_owned(), vec(&self.by_time)),
        ]);
        parts
    }

    /// Bytes of text kept, and how many events' text was left in their files.
    pub fn text_figures(&self) -> (usize, u32) {
        let in_files = (0..self.len() as u32)
            .filter(|&event_idx| self.raw.in_file(event_idx).is_some())
            .count();
        (self.raw.resident_bytes(), in_files as u32)
    }
}

/// The reads that cover `wanted` (file, range of decoded text) and are not `lent` already:
/// per file, one read from the first range wanted to the last.
fn file_reads(
    wanted: impl IntoIterator<Item = (u32, Range<u64>)>,
    lent: impl Fn(u32, &Range<u64>) -> bool,
    reread: impl Fn(u32) -> Option<Reread>,
) -> Vec<FileRead> {
    let mut reads: Vec<FileRead> = Vec::new();
    for (file_idx, range) in wanted {
        if lent(file_idx, &range) {
            continue;
        }
        let Some(how) = reread(file_idx) else {
            continue;
        };
        match reads.iter_mut().find(|read| read.file_idx == file_idx) {
            Some(read) => {
                read.decoded.start = read.decoded.start.min(range.start);
                read.decoded.end = read.decoded.end.max(range.end);
            }
            None => reads.push(FileRead {
                file_idx,
                how,
                decoded: range,
            }),
        }
    }
    reads
}

/// Whether two record texts hold the same JSON content, whatever their key order or spacing.
fn same_content(kept: &str, offered: &str) -> bool {
    if kept == offered {
        return true;
    }
    match (
        serde_json::from_str::<serde_json::Value>(kept),
        serde_json::from_str::<serde_json::Value>(offered),
    ) {
        (Ok(kept), Ok(offered)) => kept == offered,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::value::RawValue;

    use super::*;
    use crate::analytics::ingest::normalize::normalize;

    fn offer(store: &mut Store, text: &str) -> Placement {
        let raw: Box<RawValue> = serde_json::from_str(text).unwrap();
        let record = normalize(&raw).unwrap();
        store.place(&record, raw.get(), 0, None)
    }

    #[test]
    fn identical_content_is_a_duplicate_and_different_content_a_conflict() {
        let mut store = Store::new();
        let a = r#"{"eventID":"e1","eventTime":"2024-03-01T10:00:00Z","eventName":"A"}"#;
        let a_reordered =
            r#"{ "eventName": "A", "eventTime": "2024-03-01T10:00:00Z", "eventID": "e1" }"#;
        let a_changed = r#"{"eventID":"e1","eventTime":"2024-03-01T10:00:00Z","eventName":"B"}"#;
        assert_eq!(offer(&mut store, a), Placement::Indexed);
        assert_eq!(offer(&mut store, a), Placement::Duplicate);
        assert_eq!(offer(&mut store, a_reordered), Placement::Duplicate);
        assert_eq!(offer(&mut store, a_changed), Placement::Conflict);
        assert_eq!(offer(&mut store, a_changed), Placement::Duplicate);
        assert_eq!(store.len(), 2);
        assert_eq!(store.duplicates(0), 2);
        assert_eq!(store.duplicates(1), 1);
        assert!(!store.is_conflict(0));
        assert!(store.is_conflict(1));
    }

    #[test]
    fn which_conflicting_event_is_flagged_does_not_depend_on_arrival() {
        let early_b = r#"{"eventID":"e1","eventTime":"2024-03-01T10:00:00Z","eventName":"B"}"#;
        let early_a = r#"{"eventID":"e1","eventTime":"2024-03-01T10:00:00Z","eventName":"A"}"#;
        let late = r#"{"eventID":"e1","eventTime":"2024-03-01T09:00:00Z","eventName":"C"}"#;
        let mut flagged = Vec::new();
        for order in [
            [early_b, early_a, late],
            [late, early_a, early_b],
            [early_a, late, early_b],
        ] {
            let mut store = Store::new();
            for text in order {
                offer(&mut store, text);
            }
            store.commit();
            let mut names: Vec<String> = (0..3)
                .filter(|&event_idx| store.is_conflict(event_idx))
                .map(|event_idx| store.text(event_idx).unwrap().to_owned())
                .collect();
            names.sort();
            flagged.push(names);
        }
        // The earliest event ("C", at 09:00) is the one not flagged, whatever the order.
        assert_eq!(flagged[0], vec![early_a.to_owned(), early_b.to_owned()]);
        assert!(flagged.iter().all(|names| *names == flagged[0]));
    }

    #[test]
    fn records_without_an_event_id_are_always_kept() {
        let mut store = Store::new();
        let text = r#"{"eventTime":"2024-03-01T10:00:00Z"}"#;
        assert_eq!(offer(&mut store, text), Placement::Indexed);
        assert_eq!(offer(&mut store, text), Placement::Indexed);
        assert_eq!(store.len(), 2);
    }

    #[test]
    fn room_made_ahead_holds_the_events_that_follow_without_growing() {
        let mut store = Store::new();
        let record = |i: usize| {
            format!(r#"{{"eventID":"{i:08x}-0000-4000-8000-{i:012x}","eventName":"GetObject"}}"#)
        };
        for i in 0..1_000 {
            assert_eq!(offer(&mut store, &record(i)), Placement::Indexed);
        }
        store.reserve_ahead(20_000);
        let held = store.event_ids.memory_bytes();
        for i in 1_000..21_000 {
            assert_eq!(offer(&mut store, &record(i)), Placement::Indexed);
        }
        assert_eq!(store.len(), 21_000);
        assert_eq!(
            store.event_ids.memory_bytes(),
            held,
            "the eventID table did not grow"
        );
    }

    #[test]
    fn commit_orders_by_time_with_arrival_breaking_ties() {
        let mut store = Store::new();
        offer(&mut store, r#"{"eventTime":"2024-03-01T10:00:02Z"}"#);
        offer(&mut store, r#"{"eventTime":"2024-03-01T10:00:01Z"}"#);
        offer(&mut store, r#"{"eventTime":"2024-03-01T10:00:02Z"}"#);
        assert!(store.by_time().is_empty());
        store.commit();
        assert_eq!(store.by_time(), [1, 0, 2]);
    }

    #[test]
    fn committing_in_rounds_orders_like_committing_once() {
        let seconds = [5, 3, 9, 3, 1, 5, 7, 0, 3, 9, 2, 5];
        let mut once = Store::new();
        let mut rounds = Store::new();
        for (i, second) in seconds.iter().enumerate() {
            let text = format!(r#"{{"eventTime":"2024-03-01T10:00:0{second}Z"}}"#);
            offer(&mut once, &text);
            offer(&mut rounds, &text);
            if i % 5 == 2 {
                rounds.commit();
            }
        }
        // The undated sort first, in arrival order too.
        offer(&mut once, r#"{"eventName":"x"}"#);
        offer(&mut rounds, r#"{"eventName":"x"}"#);
        once.commit();
        rounds.commit();
        rounds.commit();
        assert_eq!(rounds.by_time(), once.by_time());
        assert_eq!(once.by_time()[..2], [12, 7]);
    }
}
