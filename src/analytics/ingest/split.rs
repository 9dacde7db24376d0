//! Where decoded text may be cut into pieces that read like whole files: between two records of
//! a trail file's `Records`, between two elements of a top-level array, or between two top-level
//! values (JSON lines, concatenated objects).
//!
//! The splitter scans bytes once, tracking strings and nesting, and remembers the latest place a
//! cut is possible. It never parses: the pieces are read by the container reader, which finds
//! and counts whatever is malformed inside them. It must not hold text itself.

/// The outer form of the text, as far as cutting goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Not enough text yet to tell.
    Unknown,
    /// `{"Records":[…]}` with `Records` as the first key: cut between records.
    Records,
    /// `[…]`: cut between elements.
    Array,
    /// Top-level values one after another: cut between values.
    Values,
    /// Anything else (CSV, text that is not JSON, an object whose first key is not `Records`):
    /// read whole.
    Whole,
}

impl Layout {
    /// What a piece that is not the file's first starts with, so it reads like a whole file.
    pub fn prefix(self) -> &'static str {
        match self {
            Layout::Records => "{\"Records\":[",
            Layout::Array => "[",
            Layout::Unknown | Layout::Values | Layout::Whole => "",
        }
    }

    /// What a piece that is not the file's last ends with, so it reads like a whole file.
    pub fn suffix(self) -> &'static str {
        match self {
            Layout::Records => "]}",
            Layout::Array => "]",
            Layout::Unknown | Layout::Values | Layout::Whole => "",
        }
    }

    /// The nesting depth of the separators between the units a piece is made of.
    fn unit_depth(self) -> u32 {
        match self {
            Layout::Records => 2,
            Layout::Array => 1,
            Layout::Unknown | Layout::Values | Layout::Whole => 0,
        }
    }
}

/// A place the text can be cut: the piece ends before `end`, the next one starts at `next`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cut {
    /// Where the piece ends (exclusive).
    pub end: usize,
    /// Where the next piece starts (after a separating comma, if any).
    pub next: usize,
}

/// The scanning state over one file's decoded text.
#[derive(Debug, Clone)]
pub struct Splitter {
    layout: Layout,
    depth: u32,
    in_string: bool,
    escaped: bool,
    /// The units' container has closed: what follows is the file's tail, read with the last piece.
    closed: bool,
    /// How much of the text has been scanned.
    scanned: usize,
    /// The latest place a cut is possible.
    cut: Option<Cut>,
}

impl Default for Splitter {
    fn default() -> Self {
        Self {
            layout: Layout::Unknown,
            depth: 0,
            in_string: false,
            escaped: false,
            closed: false,
            scanned: 0,
            cut: None,
        }
    }
}

impl Splitter {
    /// The layout found so far.
    pub fn layout(&self) -> Layout {
        self.layout
    }

    /// Scans `text` (everything not yet taken, the same bytes as before plus new ones) and
    /// returns the latest place it can be cut, if any.
    pub fn scan(&mut self, text: &[u8]) -> Option<Cut> {
        if self.layout == Layout::Unknown {
            self.layout = sniff(text);
        }
        match self.layout {
            Layout::Unknown | Layout::Whole => return None,
            Layout::Records | Layout::Array | Layout::Values => {}
        }
        let unit_depth = self.layout.unit_depth();
        let values = self.layout == Layout::Values;
        let mut at = self.scanned;
        while let Some(&byte) = text.get(at) {
            if self.in_string {
                if self.escaped {
                    self.escaped = false;
                } else {
                    // Jump to the next byte that can end the string (or, in JSON lines, the line).
                    let rest = text.get(at..).unwrap_or_default();
                    let skip = rest
                        .iter()
                        .position(|&b| b == b'"' || b == b'\\' || (values && b == b'\n'))
                        .unwrap_or(rest.len());
                    at += skip;
                    match text.get(at) {
                        Some(b'\\') => self.escaped = true,
                        Some(b'"') => self.in_string = false,
                        Some(b'\n') => {
                            // A raw line break cannot be inside a string: the line was broken.
                            // Start afresh on the next line.
                            self.in_string = false;
                            self.depth = 0;
                            self.cut = Some(Cut {
                                end: at + 1,
                                next: at + 1,
                            });
                        }
                        _ => break,
                    }
                }
                at += 1;
                continue;
            }
            match byte {
                b'"' => self.in_string = true,
                b'{' | b'[' => self.depth += 1,
                b'}' | b']' => {
                    self.depth = self.depth.saturating_sub(1);
                    if values && self.depth == 0 {
                        self.cut = Some(Cut {
                            end: at + 1,
                            next: at + 1,
                        });
                    } else if !values && self.depth + 1 == unit_depth {
                        self.closed = true;
                    }
                }
                b',' if !values && !self.closed && self.depth == unit_depth => {
                    self.cut = Some(Cut {
                        end: at,
                        next: at + 1,
                    });
                }
                b'\n' if values && self.depth == 0 => {
                    self.cut = Some(Cut {
                        end: at + 1,
                        next: at + 1,
                    });
                }
                _ => {}
            }
            at += 1;
        }
        self.scanned = at.min(text.len());
        self.cut
    }

    /// Forgets the first `taken` bytes of the text: a piece was taken up to the latest place
    /// to cut, or (forced) up to the end of the text, so no known place to cut is left.
    pub fn taken(&mut self, taken: usize) {
        self.scanned = self.scanned.saturating_sub(taken);
        self.cut = None;
    }
}

/// Tells the layout from the start of the text, or `Unknown` while too little has arrived.
fn sniff(text: &[u8]) -> Layout {
    let mut rest = after_space(text, 0);
    match rest.first() {
        None => return Layout::Unknown,
        Some(b'[') => return Layout::Array,
        Some(b'{') => rest = after_space(rest, 1),
        Some(_) => return Layout::Whole,
    }
    // `{"Records":[` with any spacing; anything else at the top is a sequence of values.
    for expected in [&b"\"Records\""[..], b":", b"["] {
        if rest.is_empty() {
            return Layout::Unknown;
        }
        let available = rest.len().min(expected.len());
        if rest.get(..available) != expected.get(..available) {
            return Layout::Values;
        }
        if available < expected.len() {
            return Layout::Unknown;
        }
        rest = after_space(rest, expected.len());
    }
    Layout::Records
}

/// The text from the first position from `at` that is not JSON white space.
fn after_space(text: &[u8], at: usize) -> &[u8] {
    text.get(skip_json_space(text, at)..).unwrap_or_default()
}

/// The first position from `at` that is not JSON white space (space, line feed, carriage return,
/// tab; a form feed is not, so a file starting with one is not taken for a trail).
pub(super) fn skip_json_space(bytes: &[u8], mut at: usize) -> usize {
    while matches!(bytes.get(at), Some(b' ' | b'\n' | b'\r' | b'\t')) {
        at += 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every piece the splitter allows when cutting at every opportunity.
    fn pieces(text: &str) -> (Layout, Vec<String>) {
        let mut splitter = Splitter::default();
        let mut rest = text.as_bytes().to_vec();
        let mut out = Vec::new();
        while let Some(cut) = splitter.scan(&rest) {
            out.push(String::from_utf8(rest[..cut.end].to_vec()).unwrap());
            rest.drain(..cut.next);
            splitter.taken(cut.next);
        }
        out.push(String::from_utf8(rest).unwrap());
        (splitter.layout(), out)
    }

    #[test]
    fn a_trail_file_is_cut_between_records_only() {
        let (layout, cut) = pieces(r#"{ "Records" : [{"a":"x,y","b":[1,2]}, {"c":"\",{"}],"k":1}"#);
        assert_eq!(layout, Layout::Records);
        assert_eq!(
            cut,
            [
                r#"{ "Records" : [{"a":"x,y","b":[1,2]}"#,
                r#" {"c":"\",{"}],"k":1}"#
            ]
        );
    }

    #[test]
    fn arrays_and_values_are_cut_between_their_units() {
        let (layout, cut) = pieces("[1,{\"a\":[2,3]}]");
        assert_eq!(
            (layout, cut),
            (
                Layout::Array,
                vec!["[1".to_owned(), "{\"a\":[2,3]}]".to_owned()]
            )
        );
        let (layout, cut) = pieces("{\"a\":1}\n{\"b\":\"}\"}\n");
        assert_eq!(layout, Layout::Values);
        assert_eq!(cut.concat(), "{\"a\":1}\n{\"b\":\"}\"}\n");
        assert!(cut.len() >= 2 && cut[0].starts_with("{\"a\":1}"));
    }

    #[test]
    fn a_broken_line_does_not_swallow_the_lines_after_it() {
        // Without starting afresh at the line break, the open string would hide every cut.
        let text = b"{\"a\":\"open\n{\"b\":1";
        let mut splitter = Splitter::default();
        assert_eq!(splitter.scan(text), Some(Cut { end: 11, next: 11 }));
    }

    #[test]
    fn layouts_are_told_only_once_enough_text_is_there() {
        assert_eq!(sniff(b"  "), Layout::Unknown);
        assert_eq!(sniff(b"{\"Rec"), Layout::Unknown);
        assert_eq!(sniff(b"{\"Records\" :"), Layout::Unknown);
        assert_eq!(sniff(b"{\"Records\" : ["), Layout::Records);
        assert_eq!(sniff(b"{\"Records\":{"), Layout::Values);
        assert_eq!(sniff(b"{\"eventTime\":1}"), Layout::Values);
        assert_eq!(sniff(b"eventTime,eventName"), Layout::Whole);
        // JSON's white space only: a form feed is not JSON, so the file is not cut as a trail.
        assert_eq!(sniff(b"\r\n\t {\n\"Records\":\t["), Layout::Records);
        assert_eq!(sniff(b"\x0c{\"Records\":["), Layout::Whole);
    }
}
