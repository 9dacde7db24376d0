//! One raw record to the values the index keeps: normalised time, the readable caller, the
//! account, and the rest of the indexed fields. A record with no usable time is kept, undated,
//! and says why; a record that is not an object, or
//! not an object, is rejected with a reason; nothing here panics on user data.

use std::borrow::Cow;

use serde_json::value::RawValue;

use crate::analytics::ingest::raw::{RawRecord, Text, UserIdentity};
use crate::analytics::model::field::Field;
use crate::analytics::model::time::{parse_event_time, Millis};

/// The indexed values of one record, borrowed from the file text where possible.
#[derive(Debug)]
pub struct Normalized<'a> {
    /// The event time; `None` for an undated event.
    pub time: Option<Millis>,
    /// Where the time came from.
    pub time_source: TimeSource,
    /// `eventID`, or `""` when the record has none.
    pub event_id: Cow<'a, str>,
    /// One value per [`Field`], in column order; `""` when absent.
    pub values: [Cow<'a, str>; Field::COUNT],
    /// `readOnly`, when stated.
    pub read_only: Option<bool>,
    /// The ARNs in `resources`.
    pub resource_arns: Vec<Cow<'a, str>>,
}

/// Where an event's time came from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum TimeSource {
    /// `eventTime`, as CloudTrail writes it.
    #[default]
    EventTime,
    /// `eventTime` was missing; a pipeline's `@timestamp` was used.
    PipelineTimestamp,
    /// No usable time: `eventTime` was missing, or held this text.
    Undated(Option<String>),
}

/// Reads the indexed values of `raw`, or says why the record cannot be shown.
pub fn normalize(raw: &RawValue) -> Result<Normalized<'_>, String> {
    let text = raw.get();
    if !text.starts_with('{') {
        return Err(format!(
            "record is not a JSON object but {}",
            json_kind(text)
        ));
    }
    let record: RawRecord<'_> =
        serde_json::from_str(text).map_err(|error| format!("record could not be read: {error}"))?;
    Ok(normalize_record(record))
}

/// The indexed values of a record already read into its typed mirror.
pub fn normalize_record(record: RawRecord<'_>) -> Normalized<'_> {
    let time_text = record.event_time.as_str();
    let (time, time_source) = if let Some(time) = parse_event_time(time_text) {
        (Some(time), TimeSource::EventTime)
    } else if let (true, Some(time)) = (
        time_text.is_empty(),
        parse_event_time(record.pipeline_timestamp.as_str()),
    ) {
        (Some(time), TimeSource::PipelineTimestamp)
    } else {
        (
            None,
            TimeSource::Undated((!time_text.is_empty()).then(|| time_text.to_owned())),
        )
    };

    let identity = record.user_identity.0.unwrap_or_default();
    let insight = record.insight_details.0.unwrap_or_default();
    let caller = readable_caller(&identity);
    let caller_arn = first_present([&identity.arn, &issuer_arn(&identity)]);
    let account = first_present([&record.recipient_account_id, &identity.account_id]);
    let event_name = first_present([&record.event_name, &insight.event_name]);
    let event_source = first_present([&record.event_source, &insight.event_source]);

    let mut values: [Cow<'_, str>; Field::COUNT] = Default::default();
    values[Field::Caller.index()] = caller;
    values[Field::CallerArn.index()] = caller_arn;
    values[Field::IdentityType.index()] = take(identity.identity_type);
    values[Field::AccessKey.index()] = take(identity.access_key_id);
    values[Field::EventName.index()] = event_name;
    values[Field::EventSource.index()] = event_source;
    values[Field::Region.index()] = take(record.aws_region);
    values[Field::Account.index()] = account;
    values[Field::SourceIp.index()] = take(record.source_ip_address);
    values[Field::UserAgent.index()] = take(record.user_agent);
    values[Field::ErrorCode.index()] = take(record.error_code);
    values[Field::EventType.index()] = take(record.event_type);
    values[Field::EventCategory.index()] = take(record.event_category);

    let read_only = match record.read_only.as_str() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    };
    let resource_arns = record
        .resources
        .0
        .into_iter()
        .filter_map(|resource| {
            let arn = first_present([&resource.arn_upper, &resource.arn, &resource.arn_prefix]);
            (!arn.is_empty()).then_some(arn)
        })
        .collect();
    Normalized {
        time,
        time_source,
        event_id: take(record.event_id),
        values,
        read_only,
        resource_arns,
    }
}

/// The caller as a person reads it: the IAM user name, `role/session` for assumed roles, `root`,
/// the service for AWS-service calls; the full ARN is kept in its own column.
fn readable_caller<'a>(identity: &UserIdentity<'a>) -> Cow<'a, str> {
    match identity.identity_type.as_str() {
        "Root" => Cow::Borrowed("root"),
        "IAMUser" => {
            let name = identity.user_name.as_str();
            if name.is_empty() {
                owned_or_borrowed(&identity.arn, |arn| arn.rsplit('/').next().unwrap_or(arn))
            } else {
                clone_text(&identity.user_name)
            }
        }
        "AssumedRole" => {
            let arn = identity.arn.as_str();
            if let Some((_, role_and_session)) = arn.split_once(":assumed-role/") {
                return Cow::Owned(role_and_session.to_owned());
            }
            let issuer = identity
                .session_context
                .0
                .as_ref()
                .and_then(|context| context.session_issuer.0.as_ref())
                .map(|issuer| issuer.user_name.as_str())
                .unwrap_or_default();
            if issuer.is_empty() {
                fallback_caller(identity)
            } else {
                Cow::Owned(issuer.to_owned())
            }
        }
        "AWSService" if !identity.invoked_by.as_str().is_empty() => {
            clone_text(&identity.invoked_by)
        }
        "FederatedUser" => {
            let arn = identity.arn.as_str();
            match arn.split_once(":federated-user/") {
                Some((_, name)) => Cow::Owned(name.to_owned()),
                None => fallback_caller(identity),
            }
        }
        _ => fallback_caller(identity),
    }
}

fn fallback_caller<'a>(identity: &UserIdentity<'a>) -> Cow<'a, str> {
    let on_behalf_of = identity
        .on_behalf_of
        .0
        .as_ref()
        .map(|who| who.user_id.clone())
        .unwrap_or_default();
    first_present([
        &identity.user_name,
        &identity.invoked_by,
        &on_behalf_of,
        &identity.principal_id,
        &identity.arn,
    ])
}

fn issuer_arn<'a>(identity: &UserIdentity<'a>) -> Text<'a> {
    identity
        .session_context
        .0
        .as_ref()
        .and_then(|context| context.session_issuer.0.as_ref())
        .map(|issuer| issuer.arn.clone())
        .unwrap_or_default()
}

fn first_present<'a, const N: usize>(candidates: [&Text<'a>; N]) -> Cow<'a, str> {
    candidates
        .into_iter()
        .find(|text| !text.as_str().is_empty())
        .map_or(Cow::Borrowed(""), clone_text)
}

fn clone_text<'a>(text: &Text<'a>) -> Cow<'a, str> {
    text.0.clone().unwrap_or(Cow::Borrowed(""))
}

fn owned_or_borrowed<'a>(text: &Text<'a>, pick: impl Fn(&str) -> &str) -> Cow<'a, str> {
    match &text.0 {
        Some(Cow::Borrowed(whole)) => Cow::Borrowed(pick(whole)),
        Some(Cow::Owned(whole)) => Cow::Owned(pick(whole).to_owned()),
        None => Cow::Borrowed(""),
    }
}

fn take(text: Text<'_>) -> Cow<'_, str> {
    text.0.unwrap_or(Cow::Borrowed(""))
}

fn json_kind(text: &str) -> &'static str {
    match text.as_bytes().first() {
        Some(b'[') => "an array",
        Some(b'"') => "a string",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller_of(identity: &str) -> String {
        let text = format!(r#"{{"eventTime":"2024-03-01T10:00:00Z","userIdentity":{identity}}}"#);
        let raw: Box<RawValue> = serde_json::from_str(&text).unwrap();
        let normalized = normalize(&raw).unwrap();
        normalized.values[Field::Caller.index()].to_string()
    }

    #[test]
    fn callers_read_the_way_people_name_them() {
        assert_eq!(
            caller_of(r#"{"type":"Root","arn":"arn:aws:iam::1:root"}"#),
            "root"
        );
        assert_eq!(
            caller_of(r#"{"type":"IAMUser","userName":"alice"}"#),
            "alice"
        );
        assert_eq!(
            caller_of(r#"{"type":"IAMUser","arn":"arn:aws:iam::1:user/ops/bob"}"#),
            "bob"
        );
        assert_eq!(
            caller_of(
                r#"{"type":"AssumedRole","arn":"arn:aws:sts::1:assumed-role/Admin/alice@example.com"}"#
            ),
            "Admin/alice@example.com"
        );
        assert_eq!(
            caller_of(
                r#"{"type":"AssumedRole","sessionContext":{"sessionIssuer":{"userName":"Admin"}}}"#
            ),
            "Admin"
        );
        assert_eq!(
            caller_of(r#"{"type":"AWSService","invokedBy":"config.amazonaws.com"}"#),
            "config.amazonaws.com"
        );
        assert_eq!(
            caller_of(r#"{"type":"FederatedUser","arn":"arn:aws:sts::1:federated-user/carol"}"#),
            "carol"
        );
        assert_eq!(
            caller_of(r#"{"accountId":"1","invokedBy":"AWS Internal"}"#),
            "AWS Internal"
        );
        assert_eq!(
            caller_of(r#"{"type":"AWSAccount","principalId":"AIDAX","accountId":"2"}"#),
            "AIDAX"
        );
        assert_eq!(caller_of("{}"), "");
        assert_eq!(caller_of("\"weird\""), "");
    }

    #[test]
    fn wrong_types_read_as_absent_instead_of_failing() {
        let raw: Box<RawValue> = serde_json::from_str(
            r#"{"eventTime":"2024-03-01T10:00:00Z","eventName":42,"awsRegion":null,"readOnly":"true",
                "userIdentity":[1],"resources":[{"ARN":"arn:a"},7,{"arn":"arn:b"}],"errorCode":{"x":1}}"#,
        )
        .unwrap();
        let normalized = normalize(&raw).unwrap();
        assert_eq!(normalized.values[Field::EventName.index()], "42");
        assert_eq!(normalized.values[Field::Region.index()], "");
        assert_eq!(normalized.values[Field::ErrorCode.index()], "");
        assert_eq!(normalized.read_only, Some(true));
        assert_eq!(normalized.resource_arns, ["arn:a", "arn:b"]);
    }

    #[test]
    fn records_that_are_not_objects_are_rejected_with_a_reason() {
        let reason = |text: &str| {
            normalize(&serde_json::from_str::<Box<RawValue>>(text).unwrap()).unwrap_err()
        };
        assert!(reason("42").contains("not a JSON object but a number"));
        assert!(reason("[1]").contains("but an array"));
    }

    #[test]
    fn records_without_a_usable_time_are_kept_undated_or_use_the_pipeline_timestamp() {
        let read = |text: &str| {
            let raw: Box<RawValue> = serde_json::from_str(text).unwrap();
            let normalized = normalize(&raw).unwrap();
            (normalized.time, normalized.time_source)
        };
        assert_eq!(read("{}"), (None, TimeSource::Undated(None)));
        let wrong = read(r#"{"eventTime":"ThisIsAWrongEventTime"}"#);
        assert_eq!(
            wrong.1,
            TimeSource::Undated(Some("ThisIsAWrongEventTime".to_owned()))
        );
        let stamped = read(r#"{"@timestamp":"2024-03-01T10:00:00.000Z","eventName":"x"}"#);
        assert_eq!(
            stamped.0,
            crate::analytics::model::time::parse_event_time("2024-03-01T10:00:00Z")
        );
        assert_eq!(stamped.1, TimeSource::PipelineTimestamp);
        // A wrong eventTime is not silently replaced by another clock.
        let both = read(r#"{"eventTime":"nope","@timestamp":"2024-03-01T10:00:00Z"}"#);
        assert_eq!(both.0, None);
    }

    #[test]
    fn insights_take_their_api_from_insight_details() {
        let raw: Box<RawValue> = serde_json::from_str(
            r#"{"eventTime":"2024-03-01T10:00:00Z","eventCategory":"Insight",
                "insightDetails":{"eventSource":"ec2.amazonaws.com","eventName":"RunInstances"}}"#,
        )
        .unwrap();
        let normalized = normalize(&raw).unwrap();
        assert_eq!(normalized.values[Field::EventName.index()], "RunInstances");
        assert_eq!(
            normalized.values[Field::EventSource.index()],
            "ec2.amazonaws.com"
        );
        assert_eq!(normalized.values[Field::Caller.index()], "");
    }
}
