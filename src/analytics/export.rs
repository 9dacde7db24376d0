//! Export of a selection: a trail file (`{"Records":[…]}`) that loads back with the same
//! counts, JSON lines, or CSV of the table's columns made safe to open in a spreadsheet.
//!
//! A document is produced in parts ([`Dataset::export_part`]) so a large selection never has to
//! be one string: the parts of any partition of `0..len`, concatenated, are the whole document.

use crate::analytics::model::time::{format_utc_seconds, Millis};
use crate::analytics::{Dataset, Field, FileRead, Selection};

/// The formats a selection can be exported in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExportFormat {
    /// A CloudTrail trail file: `{"Records":[…]}` with each record's original text.
    Json,
    /// One record per line, original text.
    JsonLines,
    /// The table's columns, a header line first.
    Csv,
}

impl ExportFormat {
    /// Every format, in menu order.
    pub const ALL: [ExportFormat; 3] = [
        ExportFormat::Json,
        ExportFormat::JsonLines,
        ExportFormat::Csv,
    ];

    /// The file name extension.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Json => "json",
            ExportFormat::JsonLines => "jsonl",
            ExportFormat::Csv => "csv",
        }
    }

    /// The media type of the file.
    pub fn media_type(self) -> &'static str {
        match self {
            ExportFormat::Json => "application/json",
            ExportFormat::JsonLines => "application/x-ndjson",
            ExportFormat::Csv => "text/csv",
        }
    }

    /// A short label for a button.
    pub fn label(self) -> &'static str {
        match self {
            ExportFormat::Json => "JSON",
            ExportFormat::JsonLines => "JSON lines",
            ExportFormat::Csv => "CSV",
        }
    }
}

/// The file name of an export of events spanning `range` (first and last event time, or the
/// zoomed range): `trailview_20240301T1005Z-20240302T2359Z_1234-events.json`.
pub fn export_file_name(
    range: Option<(Millis, Millis)>,
    n_events: usize,
    format: ExportFormat,
) -> String {
    let stamp = |millis: Millis| {
        // 2024-03-01T10:05:00Z → 20240301T1005Z: compact, sortable, safe on every file system.
        let text = format_utc_seconds(millis);
        let digits: String = text
            .chars()
            .filter(|character| character.is_ascii_digit() || *character == 'T')
            .collect();
        format!("{}Z", digits.get(..13).unwrap_or(&digits))
    };
    let span = range.map_or_else(
        || "undated".to_owned(),
        |(start, end)| format!("{}-{}", stamp(start), stamp(end)),
    );
    format!(
        "trailview_{span}_{n_events}-event{}.{}",
        if n_events == 1 { "" } else { "s" },
        format.extension()
    )
}

/// A cell as a spreadsheet will read it as text: a value starting with `=`, `+`, `-`, `@`, a
/// tab or a carriage return (which a spreadsheet would run as a formula) gets a leading `'`.
pub fn spreadsheet_safe(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

/// One CSV line (RFC 4180 quoting) of spreadsheet-safe cells, ending in CRLF.
pub fn csv_line<S: AsRef<str>>(cells: &[S]) -> String {
    let mut line = String::new();
    for (position, cell) in cells.iter().enumerate() {
        if position > 0 {
            line.push(',');
        }
        let cell = spreadsheet_safe(cell.as_ref());
        if cell.contains([',', '"', '\n', '\r']) {
            line.push('"');
            line.push_str(&cell.replace('"', "\"\""));
            line.push('"');
        } else {
            line.push_str(&cell);
        }
    }
    line.push_str("\r\n");
    line
}

impl Dataset {
    /// Events `start..start + count` of `ordered` (in that order) as a part of an export
    /// document; the part starting at 0 carries the document's head, the part reaching the end
    /// its tail. `columns` are the CSV columns (keys as the table takes them). Records' text
    /// left in files must be lent first ([`Dataset::export_reads`]); an error names the file
    /// of a record whose text is not at hand.
    pub fn export_part(
        &self,
        ordered: &Selection,
        format: ExportFormat,
        columns: &[String],
        start: usize,
        count: usize,
    ) -> Result<String, String> {
        let ids = ordered.ids();
        let end = start.saturating_add(count).min(ids.len());
        let start = start.min(end);
        let mut text = String::new();
        match format {
            ExportFormat::Json => {
                if start == 0 {
                    text.push_str("{\"Records\":[");
                }
                for (offset, &event_idx) in ids[start..end].iter().enumerate() {
                    text.push_str(if start + offset == 0 { "\n" } else { ",\n" });
                    text.push_str(self.record_text(event_idx)?);
                }
                if end == ids.len() {
                    text.push_str(if ids.is_empty() { "]}\n" } else { "\n]}\n" });
                }
            }
            ExportFormat::JsonLines => {
                for &event_idx in &ids[start..end] {
                    text.push_str(self.record_text(event_idx)?);
                    text.push('\n');
                }
            }
            ExportFormat::Csv => {
                if start == 0 {
                    let header: Vec<String> =
                        columns.iter().map(|column| csv_header(column)).collect();
                    text.push_str(&csv_line(&header));
                }
                for row in self.table_rows(ordered, columns, start, end - start) {
                    let cells: Vec<String> = columns
                        .iter()
                        .zip(row.cells)
                        .map(|(column, cell)| match row.time {
                            Some(time) if column == "time" => format_utc_seconds(time),
                            _ => cell,
                        })
                        .collect();
                    text.push_str(&csv_line(&cells));
                }
            }
        }
        Ok(text)
    }

    /// The reads of files that exporting events `start..start + count` of `ordered` as
    /// `format` (with `columns`, for CSV) needs and that are not lent now: every record's text
    /// for JSON, and for CSV that of events not yet indexed when a column is a nested field.
    pub fn export_reads(
        &self,
        ordered: &Selection,
        format: ExportFormat,
        columns: &[String],
        start: usize,
        count: usize,
    ) -> Vec<FileRead> {
        let ids = ordered.ids();
        let end = start.saturating_add(count).min(ids.len());
        let ids = &ids[start.min(end)..end];
        if format != ExportFormat::Csv {
            return self.text_reads(ids);
        }
        let nested = columns
            .iter()
            .any(|column| column != "time" && Field::from_key(column).is_none());
        if !nested {
            return Vec::new();
        }
        let (indexed, _) = self.index_progress();
        let unindexed: Vec<u32> = ids.iter().copied().filter(|&id| id >= indexed).collect();
        self.text_reads(&unindexed)
    }
}

/// A CSV column heading: the table's label, saying the time is UTC.
fn csv_header(column: &str) -> String {
    if column == "time" {
        "Time (UTC)".to_owned()
    } else {
        crate::analytics::column_label(column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::Query;

    #[test]
    fn cells_that_a_spreadsheet_would_run_are_made_text() {
        for risky in [
            "=1+1",
            "+1",
            "-2",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "=HYPERLINK(\"http://x\")",
        ] {
            assert!(spreadsheet_safe(risky).starts_with('\''), "{risky:?}");
        }
        for plain in ["ConsoleLogin", "1.2.3.4", "", "a=b"] {
            assert_eq!(spreadsheet_safe(plain), plain);
        }
        assert_eq!(
            csv_line(&["a,b", "say \"hi\"", "=x"]),
            "\"a,b\",\"say \"\"hi\"\"\",'=x\r\n"
        );
        assert_eq!(csv_line(&["=a,b"]), "\"'=a,b\"\r\n");
    }

    #[test]
    fn file_names_carry_the_time_range_and_count() {
        let start = 1_709_287_500_000; // 2024-03-01T10:05:00Z
        let end = start + 86_400_000 + 60_000;
        assert_eq!(
            export_file_name(Some((start, end)), 12, ExportFormat::Json),
            "trailview_20240301T1005Z-20240302T1006Z_12-events.json"
        );
        assert_eq!(
            export_file_name(None, 1, ExportFormat::Csv),
            "trailview_undated_1-event.csv"
        );
    }

    fn fixture() -> Dataset {
        fixture_keeping(usize::MAX)
    }

    /// The fixture, its records' text past `budget` bytes left in its file, `t.json`.
    fn fixture_keeping(budget: usize) -> Dataset {
        let mut dataset = Dataset::default();
        dataset.set_resident_text_budget(budget);
        dataset.ingest_file("t.json", fixture_text().as_bytes());
        dataset.commit();
        dataset
    }

    fn fixture_text() -> String {
        let records: Vec<String> = (0..7)
            .map(|n| {
                format!(
                    r#"{{"eventVersion":"1.08","eventID":"e{n}","eventTime":"2024-03-01T10:0{n}:00Z","eventName":"=cmd{n}","eventSource":"s3.amazonaws.com","awsRegion":"eu-west-1","sourceIPAddress":"1.2.3.{n}","userIdentity":{{"type":"IAMUser","userName":"u,{n}"}}}}"#
                )
            })
            .collect();
        format!("{{\"Records\":[{}]}}", records.join(","))
    }

    #[test]
    fn text_left_in_the_file_is_read_again_before_it_is_exported() {
        let kept = fixture();
        let in_file = fixture_keeping(0);
        let selection = in_file.select(&Query::default());
        let nested: Vec<String> = ["time", "userIdentity.userName"]
            .map(str::to_owned)
            .to_vec();
        let simple: Vec<String> = ["time", "eventName"].map(str::to_owned).to_vec();
        // Not lent: JSON names the file; CSV of simple columns needs no text.
        let error = in_file
            .export_part(&selection, ExportFormat::Json, &[], 0, 7)
            .unwrap_err();
        assert!(error.contains("t.json"), "{error}");
        assert!(in_file
            .export_reads(&selection, ExportFormat::Csv, &simple, 0, 7)
            .is_empty());
        // A nested column of events not yet indexed reads their text; lent, both match.
        for (format, columns) in [(ExportFormat::Json, &simple), (ExportFormat::Csv, &nested)] {
            let mut in_file = fixture_keeping(0);
            let reads = in_file.export_reads(&selection, format, columns, 0, 7);
            assert_eq!(reads.len(), 1, "{format:?}");
            let text = fixture_text();
            for read in reads {
                let range = read.bytes().unwrap();
                in_file
                    .lend_text(
                        &read,
                        &text.as_bytes()[range.start as usize..range.end as usize],
                    )
                    .unwrap();
            }
            assert_eq!(
                in_file.export_part(&selection, format, columns, 0, 7),
                kept.export_part(&kept.select(&Query::default()), format, columns, 0, 7),
                "{format:?}"
            );
        }
    }

    #[test]
    fn parts_of_any_partition_make_the_whole_document() {
        let dataset = fixture();
        let selection = dataset.select(&Query::default());
        let columns: Vec<String> = ["time", "eventName", "caller"].map(str::to_owned).to_vec();
        for format in ExportFormat::ALL {
            let whole = dataset
                .export_part(&selection, format, &columns, 0, usize::MAX)
                .unwrap();
            for step in 1..=8 {
                let mut joined = String::new();
                let mut start = 0;
                while start < selection.len() {
                    joined.push_str(
                        &dataset
                            .export_part(&selection, format, &columns, start, step)
                            .unwrap(),
                    );
                    start += step;
                }
                assert_eq!(joined, whole, "{format:?} in steps of {step}");
            }
        }
        let csv = dataset
            .export_part(&selection, ExportFormat::Csv, &columns, 0, 2)
            .unwrap();
        assert_eq!(
            csv,
            "Time (UTC),Event name,Caller\r\n2024-03-01T10:00:00Z,'=cmd0,\"u,0\"\r\n2024-03-01T10:01:00Z,'=cmd1,\"u,1\"\r\n"
        );
    }

    #[test]
    fn a_json_export_loads_back_with_the_same_counts() {
        let dataset = fixture();
        let selection = dataset.select(&Query::default());
        let whole = dataset
            .export_part(&selection, ExportFormat::Json, &[], 0, usize::MAX)
            .unwrap();
        let mut again = Dataset::default();
        let report = again.ingest_file("export.json", whole.as_bytes()).clone();
        again.commit();
        assert_eq!((report.read, report.indexed, report.rejected), (7, 7, 0));
        let lines = dataset
            .export_part(&selection, ExportFormat::JsonLines, &[], 0, usize::MAX)
            .unwrap();
        let mut from_lines = Dataset::default();
        let report = from_lines
            .ingest_file("export.jsonl", lines.as_bytes())
            .clone();
        assert_eq!((report.read, report.indexed, report.rejected), (7, 7, 0));
        let empty = Dataset::default().select(&Query::default());
        let nothing = dataset
            .export_part(&empty, ExportFormat::Json, &[], 0, 10)
            .unwrap();
        assert_eq!(nothing, "{\"Records\":[]}\n");
    }
}
