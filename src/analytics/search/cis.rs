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
