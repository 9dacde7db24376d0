//! CSV exports: the console's Event history download and CloudTrail Lake query results
//! (`result_*.csv.gz`). Columns are matched by header name (case, spaces, dashes and
//! underscores ignored; Lake's dotted names such as `userIdentity.arn` go into place), and each
//! row becomes a record object. Such records have only the exported columns, and say so in a
//! `trailviewSource` field the detail view reads.

use serde_json::{Map, Value};

/// The field every record read from CSV carries, naming where it came from.
pub const SOURCE_FIELD: &str = "trailviewSource";

/// What the detail view says of a record read from CSV.
pub const SOURCE_NOTE: &str =
    "from a CSV export: only the exported columns are known, not the full record";

/// Whether `text` starts with a CSV header naming at least two CloudTrail columns.
pub fn looks_like_csv(text: &str) -> bool {
    let header = text.lines().next().unwrap_or_default();
    header.contains(',')
        && header
            .split(',')
            .filter(|name| target(name).is_some())
            .count()
            >= 2
}

/// One row of a CSV export, as a record or as the reason it could not be read.
pub enum Row {
    /// The record built from the row, as JSON text.
    Record(String),
    /// A row that could not be read.
    Unreadable(String),
}

/// Reads every row of `text` (a CSV export with a header line).
pub fn read_csv(text: &str, on_row: &mut dyn FnMut(Row)) {
    let mut reader = ::csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(headers) => headers.iter().map(str::to_owned).collect(),
        Err(error) => {
            return on_row(Row::Unreadable(format!(
                "CSV header could not be read: {error}"
            )))
        }
    };
    let targets: Vec<Option<Vec<&'static str>>> = headers.iter().map(|name| target(name)).collect();
    for (row_idx, row) in reader.records().enumerate() {
        let row = match row {
            Ok(row) => row,
            Err(error) => {
                on_row(Row::Unreadable(format!("CSV row {}: {error}", row_idx + 2)));
                continue;
            }
        };
        if let Some(full) = headers
            .iter()
            .zip(row.iter())
            .find(|(name, _)| squash(name) == "cloudtrailevent")
            .and_then(|(_, cell)| serde_json::from_str::<Value>(cell).ok())
            .filter(Value::is_object)
        {
            // The export carries the whole record: use it as it is.
            on_row(Row::Record(full.to_string()));
            continue;
        }
        let mut record = Map::new();
        for ((name, target), cell) in headers.iter().zip(&targets).zip(row.iter()) {
            if cell.is_empty() {
                continue;
            }
            match target {
                Some(path) => place(&mut record, path, cell),
                None => {
                    record.insert(name.clone(), Value::String(cell.to_owned()));
                }
            }
        }
        record.insert(
            SOURCE_FIELD.to_owned(),
            Value::String("CSV export".to_owned()),
        );
        on_row(Row::Record(Value::Object(record).to_string()));
    }
}

/// A header name reduced for matching: lower case, no spaces, dashes or underscores.
fn squash(name: &str) -> String {
    name.trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '_'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Where a column goes in the record, by its header name.
fn target(name: &str) -> Option<Vec<&'static str>> {
    let path: &[&'static str] = match squash(name).as_str() {
        "eventname" => &["eventName"],
        "eventtime" => &["eventTime"],
        "eventsource" => &["eventSource"],
        "eventid" => &["eventID"],
        "eventtype" => &["eventType"],
        "eventcategory" => &["eventCategory"],
        "eventversion" => &["eventVersion"],
        "awsregion" | "region" => &["awsRegion"],
        "errorcode" => &["errorCode"],
        "errormessage" => &["errorMessage"],
        "readonly" => &["readOnly"],
        "sourceipaddress" | "sourceip" => &["sourceIPAddress"],
        "useragent" => &["userAgent"],
        "requestid" => &["requestID"],
        "recipientaccountid" => &["recipientAccountId"],
        "username" | "useridentity.username" => &["userIdentity", "userName"],
        "awsaccesskey" | "accesskeyid" | "useridentity.accesskeyid" => {
            &["userIdentity", "accessKeyId"]
        }
        "useridentity.type" => &["userIdentity", "type"],
        "useridentity.arn" => &["userIdentity", "arn"],
        "useridentity.accountid" => &["userIdentity", "accountId"],
        "useridentity.principalid" => &["userIdentity", "principalId"],
        "useridentity.invokedby" => &["userIdentity", "invokedBy"],
        "resourcetype" => &["resources", "type"],
        "resourcename" => &["resources", "ARN"],
        _ => return None,
    };
    Some(path.to_vec())
}

/// Puts `cell` at `path` in `record` (resources go into the first element of an array).
fn place(record: &mut Map<String, Value>, path: &[&'static str], cell: &str) {
    let value = match (path, cell) {
        (["readOnly"], "true" | "True" | "TRUE") => Value::Bool(true),
        (["readOnly"], "false" | "False" | "FALSE") => Value::Bool(false),
        _ => Value::String(cell.to_owned()),
    };
    match path {
        [field] => {
            record.insert((*field).to_owned(), value);
        }
        ["resources", field] => {
            let resources = record
                .entry("resources")
                .or_insert_with(|| Value::Array(vec![Value::Object(Map::new())]));
            if let Some(Value::Object(first)) =
                resources.as_array_mut().and_then(|items| items.first_mut())
            {
                first.insert((*field).to_owned(), value);
            }
        }
        [object, field] => {
            let inner = record
                .entry(*object)
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(inner) = inner {
                inner.insert((*field).to_owned(), value);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        read_csv(text, &mut |row| {
            out.push(match row {
                Row::Record(json) => json,
                Row::Unreadable(reason) => format!("!{reason}"),
            });
        });
        out
    }

    #[test]
    fn console_event_history_columns_map_to_record_fields() {
        let text = "Event name,Event time,User name,Event source,Resource type,Resource name,AWS access key,AWS region,Error code,Event ID,Read-only,Source IP address\n\
                    ConsoleLogin,2024-03-01T10:00:00Z,alice,signin.amazonaws.com,,,,us-east-1,,e-1,false,198.51.100.7\n\
                    \"Put,Object\",2024-03-01T10:00:01Z,bob,s3.amazonaws.com,AWS::S3::Bucket,example-bucket,AKIAEXAMPLE,us-east-1,AccessDenied,e-2,true,198.51.100.8\n";
        assert!(looks_like_csv(text));
        let rows = rows(text);
        assert_eq!(rows.len(), 2);
        let second: Value = serde_json::from_str(&rows[1]).unwrap();
        assert_eq!(second["eventName"], "Put,Object");
        assert_eq!(second["userIdentity"]["userName"], "bob");
        assert_eq!(second["userIdentity"]["accessKeyId"], "AKIAEXAMPLE");
        assert_eq!(second["resources"][0]["ARN"], "example-bucket");
        assert_eq!(second["readOnly"], true);
        assert_eq!(second[SOURCE_FIELD], "CSV export");
    }

    #[test]
    fn lake_results_use_dotted_names_and_a_full_record_column_wins() {
        let text = "eventTime,eventName,userIdentity.arn,custom\n2024-03-01T10:00:00Z,GetObject,arn:aws:iam::1:user/x,kept\n";
        let row: Value = serde_json::from_str(&rows(text)[0]).unwrap();
        assert_eq!(row["userIdentity"]["arn"], "arn:aws:iam::1:user/x");
        assert_eq!(row["custom"], "kept");
        let full =
            "EventId,CloudTrailEvent\nx,\"{\"\"eventTime\"\":\"\"2024-03-01T10:00:00Z\"\"}\"\n";
        assert_eq!(rows(full), [r#"{"eventTime":"2024-03-01T10:00:00Z"}"#]);
    }

    #[test]
    fn text_that_is_not_a_cloudtrail_csv_is_not_taken_for_one() {
        assert!(!looks_like_csv("name,age\nbob,3\n"));
        assert!(!looks_like_csv("hello world"));
        assert!(!looks_like_csv(""));
    }
}
