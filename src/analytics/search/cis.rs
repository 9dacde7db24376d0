//! The CIS AWS Foundations Benchmark metric filters, verbatim, for the UI to offer as presets.
//!
//! Numbered as in benchmark v1.4 and later (4.1–4.15), plus `3.1` (the v1.2 wording of 4.1,
//! without its exclusions) and `4.2-sso` (4.2 narrowed to successful IAM-user sign-ins, so
//! single sign-on logins, which never carry MFA data, are not reported). This file only lists.

/// `(id, title, filter pattern)` for each CIS metric filter.
pub const CIS_FILTERS: &[(&str, &str, &str)] = &[
    (
        "3.1",
        "Unauthorized API calls (v1.2 wording)",
        r#"{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}"#,
    ),
    (
        "4.1",
        "Unauthorized API calls",
        r#"{ ($.errorCode ="*UnauthorizedOperation") || ($.errorCode ="AccessDenied*") && ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }"#,
    ),
    (
        "4.2",
        "Management Console sign-in without MFA",
        r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }"#,
    ),
    (
        "4.2-sso",
        "Management Console sign-in without MFA (IAM users only, single sign-on excluded)",
        r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }"#,
    ),
    (
        "4.3",
        "Usage of the root account",
        r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#,
    ),
    (
        "4.4",
        "IAM policy changes",
        "{($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy)}",
    ),
    (
        "4.5",
        "CloudTrail configuration changes",
        "{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging) || ($.eventName=StopLogging)}",
    ),
    (
        "4.6",
        "Management Console authentication failures",
        r#"{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}"#,
    ),
    (
        "4.7",
        "Disabling or scheduled deletion of customer-managed KMS keys",
        "{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}",
    ),
    (
        "4.8",
        "S3 bucket policy changes",
        "{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy) || ($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || ($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) || ($.eventName=DeleteBucketReplication))}",
    ),
    (
        "4.9",
        "AWS Config configuration changes",
        "{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder) || ($.eventName=DeleteDeliveryChannel) || ($.eventName=PutDeliveryChannel) || ($.eventName=PutConfigurationRecorder))}",
    ),
    (
        "4.10",
        "Security group changes",
        "{($.eventName=AuthorizeSecurityGroupIngress) || ($.eventName=AuthorizeSecurityGroupEgress) || ($.eventName=RevokeSecurityGroupIngress) || ($.eventName=RevokeSecurityGroupEgress) || ($.eventName=CreateSecurityGroup) || ($.eventName=DeleteSecurityGroup)}",
    ),
    (
        "4.11",
        "Network ACL changes",
        "{($.eventName=CreateNetworkAcl) || ($.eventName=CreateNetworkAclEntry) || ($.eventName=DeleteNetworkAcl) || ($.eventName=DeleteNetworkAclEntry) || ($.eventName=ReplaceNetworkAclEntry) || ($.eventName=ReplaceNetworkAclAssociation)}",
    ),
    (
        "4.12",
        "Network gateway changes",
        "{($.eventName=CreateCustomerGateway) || ($.eventName=DeleteCustomerGateway) || ($.eventName=AttachInternetGateway) || ($.eventName=CreateInternetGateway) || ($.eventName=DeleteInternetGateway) || ($.eventName=DetachInternetGateway)}",
    ),
    (
        "4.13",
        "Route table changes",
        "{($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || ($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable)}",
    ),
    (
        "4.14",
        "VPC changes",
        "{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || ($.eventName=ModifyVpcAttribute) || ($.eventName=AcceptVpcPeeringConnection) || ($.eventName=CreateVpcPeeringConnection) || ($.eventName=DeleteVpcPeeringConnection) || ($.eventName=RejectVpcPeeringConnection) || ($.eventName=AttachClassicLinkVpc) || ($.eventName=DetachClassicLinkVpc) || ($.eventName=DisableVpcClassicLink) || ($.eventName=EnableVpcClassicLink)}",
    ),
    (
        "4.15",
        "AWS Organizations changes",
        r#"{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") || ($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") || ($.eventName = "CreateOrganizationalUnit") || ($.eventName = "CreatePolicy") || ($.eventName = "DeclineHandshake") || ($.eventName = "DeleteOrganization") || ($.eventName = "DeleteOrganizationalUnit") || ($.eventName = "DeletePolicy") || ($.eventName = "DetachPolicy") || ($.eventName = "DisablePolicyType") || ($.eventName = "EnablePolicyType") || ($.eventName = "InviteAccountToOrganization") || ($.eventName = "LeaveOrganization") || ($.eventName = "MoveAccount") || ($.eventName = "RemoveAccountFromOrganization") || ($.eventName = "UpdatePolicy") || ($.eventName = "UpdateOrganizationalUnit")) }"#,
    ),
];

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::super::test_support::selects;
    use super::CIS_FILTERS;

    fn filter(id: &str) -> &'static str {
        CIS_FILTERS
            .iter()
            .find(|(filter_id, _, _)| *filter_id == id)
            .map(|(_, _, pattern)| *pattern)
            .unwrap()
    }

    fn call(source: &str, name: &str) -> Value {
        json!({
            "eventVersion": "1.08",
            "eventSource": source,
            "eventName": name,
            "awsRegion": "us-east-1",
            "sourceIPAddress": "203.0.113.7",
            "userIdentity": {"type": "IAMUser", "userName": "alice"},
            "eventType": "AwsApiCall",
        })
    }

    fn with(mut record: Value, key: &str, value: Value) -> Value {
        if let Value::Object(members) = &mut record {
            members.insert(key.to_owned(), value);
        }
        record
    }

    #[test]
    fn every_filter_parses_and_ids_are_unique() {
        assert_eq!(CIS_FILTERS.len(), 17);
        for (id, title, pattern) in CIS_FILTERS {
            assert!(!title.is_empty());
            assert!(super::super::parse(pattern).is_ok(), "{id} does not parse");
            let same_id = CIS_FILTERS.iter().filter(|(other, _, _)| other == id);
            assert_eq!(same_id.count(), 1, "{id} listed twice");
        }
    }

    #[test]
    fn unauthorized_api_calls() {
        let denied = with(
            call("s3.amazonaws.com", "GetObject"),
            "errorCode",
            json!("AccessDenied"),
        );
        let unauthorized = with(
            call("ec2.amazonaws.com", "RunInstances"),
            "errorCode",
            json!("Client.UnauthorizedOperation"),
        );
        let fine = call("s3.amazonaws.com", "GetObject");
        let throttled = with(fine.clone(), "errorCode", json!("ThrottlingException"));
        for id in ["3.1", "4.1"] {
            assert!(selects(filter(id), &denied), "{id}");
            assert!(selects(filter(id), &unauthorized), "{id}");
            assert!(!selects(filter(id), &fine), "{id}");
            assert!(!selects(filter(id), &throttled), "{id}");
        }
        // 4.1's exclusions bind to the AccessDenied branch only (`&&` before `||`)...
        let log_delivery_denied = with(
            with(
                denied.clone(),
                "sourceIPAddress",
                json!("delivery.logs.amazonaws.com"),
            ),
            "eventName",
            json!("PutObject"),
        );
        let head_bucket_denied = with(denied, "eventName", json!("HeadBucket"));
        assert!(!selects(filter("4.1"), &log_delivery_denied));
        assert!(!selects(filter("4.1"), &head_bucket_denied));
        assert!(selects(filter("3.1"), &head_bucket_denied));
        // ...so an UnauthorizedOperation from log delivery still matches.
        let log_delivery_unauthorized = with(
            unauthorized,
            "sourceIPAddress",
            json!("delivery.logs.amazonaws.com"),
        );
        assert!(selects(filter("4.1"), &log_delivery_unauthorized));
    }

    #[test]
    fn console_sign_in_without_mfa() {
        let login = |mfa: Option<&str>, kind: &str, outcome: &str| {
            let mut record = call("signin.amazonaws.com", "ConsoleLogin");
            record["userIdentity"]["type"] = json!(kind);
            record["responseElements"] = json!({"ConsoleLogin": outcome});
            if let Some(mfa) = mfa {
                record["additionalEventData"] = json!({"MFAUsed": mfa});
            }
            record
        };
        assert!(selects(
            filter("4.2"),
            &login(Some("No"), "IAMUser", "Success")
        ));
        assert!(!selects(
            filter("4.2"),
            &login(Some("Yes"), "IAMUser", "Success")
        ));
        // A missing MFAUsed never matches `!=` (the selector does not exist).
        assert!(!selects(filter("4.2"), &login(None, "IAMUser", "Success")));
        assert!(!selects(
            filter("4.2"),
            &call("s3.amazonaws.com", "GetObject")
        ));
        assert!(selects(
            filter("4.2-sso"),
            &login(Some("No"), "IAMUser", "Success")
        ));
        assert!(!selects(
            filter("4.2-sso"),
            &login(Some("No"), "AssumedRole", "Success")
        ));
        assert!(!selects(
            filter("4.2-sso"),
            &login(Some("No"), "IAMUser", "Failure")
        ));
    }

    #[test]
    fn root_account_usage() {
        let mut root = call("s3.amazonaws.com", "ListBuckets");
        root["userIdentity"] = json!({"type": "Root", "arn": "arn:aws:iam::111122223333:root"});
        assert!(selects(filter("4.3"), &root));
        let mut invoked = root.clone();
        invoked["userIdentity"]["invokedBy"] = json!("support.amazonaws.com");
        assert!(!selects(filter("4.3"), &invoked));
        let service = with(root, "eventType", json!("AwsServiceEvent"));
        assert!(!selects(filter("4.3"), &service));
        assert!(!selects(
            filter("4.3"),
            &call("s3.amazonaws.com", "ListBuckets")
        ));
    }

    #[test]
    fn change_filters_match_their_calls_only() {
        let cases = [
            ("4.4", "iam.amazonaws.com", "PutRolePolicy", "GetRolePolicy"),
            (
                "4.5",
                "cloudtrail.amazonaws.com",
                "StopLogging",
                "DescribeTrails",
            ),
            ("4.7", "kms.amazonaws.com", "ScheduleKeyDeletion", "Decrypt"),
            (
                "4.8",
                "s3.amazonaws.com",
                "PutBucketPolicy",
                "GetBucketPolicy",
            ),
            (
                "4.9",
                "config.amazonaws.com",
                "StopConfigurationRecorder",
                "DescribeConfigRules",
            ),
            (
                "4.10",
                "ec2.amazonaws.com",
                "AuthorizeSecurityGroupIngress",
                "DescribeSecurityGroups",
            ),
            (
                "4.11",
                "ec2.amazonaws.com",
                "ReplaceNetworkAclEntry",
                "DescribeNetworkAcls",
            ),
            (
                "4.12",
                "ec2.amazonaws.com",
                "AttachInternetGateway",
                "DescribeInternetGateways",
            ),
            (
                "4.13",
                "ec2.amazonaws.com",
                "ReplaceRoute",
                "DescribeRouteTables",
            ),
            (
                "4.14",
                "ec2.amazonaws.com",
                "ModifyVpcAttribute",
                "DescribeVpcs",
            ),
            (
                "4.15",
                "organizations.amazonaws.com",
                "LeaveOrganization",
                "ListAccounts",
            ),
        ];
        for (id, source, changing, reading) in cases {
            assert!(
                selects(filter(id), &call(source, changing)),
                "{id} {changing}"
            );
            assert!(
                !selects(filter(id), &call(source, reading)),
                "{id} {reading}"
            );
        }
        // The source matters where the filter names one.
        assert!(!selects(
            filter("4.7"),
            &call("ec2.amazonaws.com", "DisableKey")
        ));
        assert!(!selects(
            filter("4.8"),
            &call("ec2.amazonaws.com", "PutBucketAcl")
        ));
        assert!(!selects(
            filter("4.15"),
            &call("iam.amazonaws.com", "CreatePolicy")
        ));
        assert!(selects(
            filter("4.4"),
            &call("iam.amazonaws.com", "CreatePolicy")
        ));
    }

    #[test]
    fn console_authentication_failures() {
        let failed = with(
            call("signin.amazonaws.com", "ConsoleLogin"),
            "errorMessage",
            json!("Failed authentication"),
        );
        assert!(selects(filter("4.6"), &failed));
        let other = with(failed, "errorMessage", json!("failed authentication"));
        assert!(!selects(filter("4.6"), &other));
    }
}
