//! The field table: every indexed column a user can filter and count by, with its stable key
//! (used in filters and, later, in URLs) and its label.

use serde::{Deserialize, Serialize};

/// An indexed, interned column of the event store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Field {
    /// The readable caller: IAM user name, `role/session`, `root`, or the invoking service.
    Caller,
    /// The caller's full ARN (`userIdentity.arn`, else the session issuer's).
    CallerArn,
    /// `userIdentity.type`.
    IdentityType,
    /// `userIdentity.accessKeyId`.
    AccessKey,
    /// `eventName` (for Insights events, the API the insight is about).
    EventName,
    /// `eventSource`, the service host such as `s3.amazonaws.com`.
    EventSource,
    /// `awsRegion`.
    Region,
    /// `recipientAccountId`, else `userIdentity.accountId`.
    Account,
    /// `sourceIPAddress`, kept verbatim (it may be a service name or a list).
    SourceIp,
    /// `userAgent`.
    UserAgent,
    /// `errorCode`; empty when the call succeeded.
    ErrorCode,
    /// `eventType`, such as `AwsApiCall`.
    EventType,
    /// `eventCategory`, such as `Management` or `Insight`.
    EventCategory,
}

impl Field {
    /// Every field, in column order.
    pub const ALL: [Field; 13] = [
        Field::Caller,
        Field::CallerArn,
        Field::IdentityType,
        Field::AccessKey,
        Field::EventName,
        Field::EventSource,
        Field::Region,
        Field::Account,
        Field::SourceIp,
        Field::UserAgent,
        Field::ErrorCode,
        Field::EventType,
        Field::EventCategory,
    ];

    /// The number of fields, the length of per-field arrays.
    pub const COUNT: usize = Self::ALL.len();

    /// The position of this field's column.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The stable key of the field, as written in filters.
    pub fn key(self) -> &'static str {
        match self {
            Field::Caller => "caller",
            Field::CallerArn => "callerArn",
            Field::IdentityType => "identityType",
            Field::AccessKey => "accessKeyId",
            Field::EventName => "eventName",
            Field::EventSource => "eventSource",
            Field::Region => "awsRegion",
            Field::Account => "account",
            Field::SourceIp => "sourceIPAddress",
            Field::UserAgent => "userAgent",
            Field::ErrorCode => "errorCode",
            Field::EventType => "eventType",
            Field::EventCategory => "eventCategory",
        }
    }

    /// The field with this key.
    pub fn from_key(key: &str) -> Option<Field> {
        Self::ALL.into_iter().find(|field| field.key() == key)
    }

    /// A short human label.
    pub fn label(self) -> &'static str {
        match self {
            Field::Caller => "Caller",
            Field::CallerArn => "Caller ARN",
            Field::IdentityType => "Identity type",
            Field::AccessKey => "Access key",
            Field::EventName => "Event name",
            Field::EventSource => "Service",
            Field::Region => "Region",
            Field::Account => "Account",
            Field::SourceIp => "Source IP",
            Field::UserAgent => "User agent",
            Field::ErrorCode => "Error code",
            Field::EventType => "Event type",
            Field::EventCategory => "Category",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_indexes_match_column_order() {
        for (position, field) in Field::ALL.into_iter().enumerate() {
            assert_eq!(field.index(), position);
            assert_eq!(Field::from_key(field.key()), Some(field));
        }
        assert_eq!(Field::from_key("nope"), None);
    }
}
