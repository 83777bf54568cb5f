import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from verifyd.v1 import verify_pb2 as _verify_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class NumberType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    NUMBER_TYPE_UNSPECIFIED: _ClassVar[NumberType]
    NUMBER_TYPE_PREMIUM_RATE: _ClassVar[NumberType]
    NUMBER_TYPE_SHARED_COST: _ClassVar[NumberType]
    NUMBER_TYPE_TOLL_FREE: _ClassVar[NumberType]
    NUMBER_TYPE_UAN: _ClassVar[NumberType]
    NUMBER_TYPE_PAGER: _ClassVar[NumberType]
    NUMBER_TYPE_VOICEMAIL: _ClassVar[NumberType]
    NUMBER_TYPE_VOIP: _ClassVar[NumberType]
    NUMBER_TYPE_PERSONAL_NUMBER: _ClassVar[NumberType]
    NUMBER_TYPE_FIXED_LINE: _ClassVar[NumberType]
    NUMBER_TYPE_MOBILE: _ClassVar[NumberType]

class ApiKeyScope(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    API_KEY_SCOPE_UNSPECIFIED: _ClassVar[ApiKeyScope]
    API_KEY_SCOPE_VERIFY: _ClassVar[ApiKeyScope]
    API_KEY_SCOPE_READ: _ClassVar[ApiKeyScope]

class WebhookDeliveryStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    WEBHOOK_DELIVERY_STATUS_UNSPECIFIED: _ClassVar[WebhookDeliveryStatus]
    WEBHOOK_DELIVERY_STATUS_PENDING: _ClassVar[WebhookDeliveryStatus]
    WEBHOOK_DELIVERY_STATUS_SUCCEEDED: _ClassVar[WebhookDeliveryStatus]
    WEBHOOK_DELIVERY_STATUS_FAILED: _ClassVar[WebhookDeliveryStatus]
    WEBHOOK_DELIVERY_STATUS_CANCELED: _ClassVar[WebhookDeliveryStatus]
NUMBER_TYPE_UNSPECIFIED: NumberType
NUMBER_TYPE_PREMIUM_RATE: NumberType
NUMBER_TYPE_SHARED_COST: NumberType
NUMBER_TYPE_TOLL_FREE: NumberType
NUMBER_TYPE_UAN: NumberType
NUMBER_TYPE_PAGER: NumberType
NUMBER_TYPE_VOICEMAIL: NumberType
NUMBER_TYPE_VOIP: NumberType
NUMBER_TYPE_PERSONAL_NUMBER: NumberType
NUMBER_TYPE_FIXED_LINE: NumberType
NUMBER_TYPE_MOBILE: NumberType
API_KEY_SCOPE_UNSPECIFIED: ApiKeyScope
API_KEY_SCOPE_VERIFY: ApiKeyScope
API_KEY_SCOPE_READ: ApiKeyScope
WEBHOOK_DELIVERY_STATUS_UNSPECIFIED: WebhookDeliveryStatus
WEBHOOK_DELIVERY_STATUS_PENDING: WebhookDeliveryStatus
WEBHOOK_DELIVERY_STATUS_SUCCEEDED: WebhookDeliveryStatus
WEBHOOK_DELIVERY_STATUS_FAILED: WebhookDeliveryStatus
WEBHOOK_DELIVERY_STATUS_CANCELED: WebhookDeliveryStatus

class ChannelPrice(_message.Message):
    __slots__ = ("channel", "price_cents")
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    PRICE_CENTS_FIELD_NUMBER: _ClassVar[int]
    channel: _verify_pb2.Channel
    price_cents: int
    def __init__(self, channel: _Optional[_Union[_verify_pb2.Channel, str]] = ..., price_cents: _Optional[int] = ...) -> None: ...

class TenantSettings(_message.Message):
    __slots__ = ("prices", "blocked_numbers", "sms_filters", "default_app_name", "default_lang", "limits")
    PRICES_FIELD_NUMBER: _ClassVar[int]
    BLOCKED_NUMBERS_FIELD_NUMBER: _ClassVar[int]
    SMS_FILTERS_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_APP_NAME_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_LANG_FIELD_NUMBER: _ClassVar[int]
    LIMITS_FIELD_NUMBER: _ClassVar[int]
    prices: _containers.RepeatedCompositeFieldContainer[ChannelPrice]
    blocked_numbers: _containers.RepeatedScalarFieldContainer[str]
    sms_filters: _containers.RepeatedScalarFieldContainer[str]
    default_app_name: str
    default_lang: _verify_pb2.Lang
    limits: TenantLimits
    def __init__(self, prices: _Optional[_Iterable[_Union[ChannelPrice, _Mapping]]] = ..., blocked_numbers: _Optional[_Iterable[str]] = ..., sms_filters: _Optional[_Iterable[str]] = ..., default_app_name: _Optional[str] = ..., default_lang: _Optional[_Union[_verify_pb2.Lang, str]] = ..., limits: _Optional[_Union[TenantLimits, _Mapping]] = ...) -> None: ...

class TenantLimits(_message.Message):
    __slots__ = ("starts_per_destination_per_hour", "concurrent_in_delivery", "failed_checks_per_destination", "failed_checks_lockout_sec", "daily_spend_cap_cents", "refused_number_types", "geo_permissions", "pumping", "safe_list")
    STARTS_PER_DESTINATION_PER_HOUR_FIELD_NUMBER: _ClassVar[int]
    CONCURRENT_IN_DELIVERY_FIELD_NUMBER: _ClassVar[int]
    FAILED_CHECKS_PER_DESTINATION_FIELD_NUMBER: _ClassVar[int]
    FAILED_CHECKS_LOCKOUT_SEC_FIELD_NUMBER: _ClassVar[int]
    DAILY_SPEND_CAP_CENTS_FIELD_NUMBER: _ClassVar[int]
    REFUSED_NUMBER_TYPES_FIELD_NUMBER: _ClassVar[int]
    GEO_PERMISSIONS_FIELD_NUMBER: _ClassVar[int]
    PUMPING_FIELD_NUMBER: _ClassVar[int]
    SAFE_LIST_FIELD_NUMBER: _ClassVar[int]
    starts_per_destination_per_hour: int
    concurrent_in_delivery: int
    failed_checks_per_destination: int
    failed_checks_lockout_sec: int
    daily_spend_cap_cents: int
    refused_number_types: NumberTypes
    geo_permissions: _containers.RepeatedCompositeFieldContainer[GeoPermission]
    pumping: PumpingProtection
    safe_list: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, starts_per_destination_per_hour: _Optional[int] = ..., concurrent_in_delivery: _Optional[int] = ..., failed_checks_per_destination: _Optional[int] = ..., failed_checks_lockout_sec: _Optional[int] = ..., daily_spend_cap_cents: _Optional[int] = ..., refused_number_types: _Optional[_Union[NumberTypes, _Mapping]] = ..., geo_permissions: _Optional[_Iterable[_Union[GeoPermission, _Mapping]]] = ..., pumping: _Optional[_Union[PumpingProtection, _Mapping]] = ..., safe_list: _Optional[_Iterable[str]] = ...) -> None: ...

class NumberTypes(_message.Message):
    __slots__ = ("types",)
    TYPES_FIELD_NUMBER: _ClassVar[int]
    types: _containers.RepeatedScalarFieldContainer[NumberType]
    def __init__(self, types: _Optional[_Iterable[_Union[NumberType, str]]] = ...) -> None: ...

class GeoPermission(_message.Message):
    __slots__ = ("channel", "allowed_countries")
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    ALLOWED_COUNTRIES_FIELD_NUMBER: _ClassVar[int]
    channel: _verify_pb2.Channel
    allowed_countries: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, channel: _Optional[_Union[_verify_pb2.Channel, str]] = ..., allowed_countries: _Optional[_Iterable[str]] = ...) -> None: ...

class PumpingProtection(_message.Message):
    __slots__ = ("disabled", "window_sec", "min_sends", "min_conversion_percent", "block_sec")
    DISABLED_FIELD_NUMBER: _ClassVar[int]
    WINDOW_SEC_FIELD_NUMBER: _ClassVar[int]
    MIN_SENDS_FIELD_NUMBER: _ClassVar[int]
    MIN_CONVERSION_PERCENT_FIELD_NUMBER: _ClassVar[int]
    BLOCK_SEC_FIELD_NUMBER: _ClassVar[int]
    disabled: bool
    window_sec: int
    min_sends: int
    min_conversion_percent: int
    block_sec: int
    def __init__(self, disabled: _Optional[bool] = ..., window_sec: _Optional[int] = ..., min_sends: _Optional[int] = ..., min_conversion_percent: _Optional[int] = ..., block_sec: _Optional[int] = ...) -> None: ...

class Tenant(_message.Message):
    __slots__ = ("id", "settings", "created_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    settings: TenantSettings
    created_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., settings: _Optional[_Union[TenantSettings, _Mapping]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateTenantRequest(_message.Message):
    __slots__ = ("tenant_id", "settings")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    settings: TenantSettings
    def __init__(self, tenant_id: _Optional[str] = ..., settings: _Optional[_Union[TenantSettings, _Mapping]] = ...) -> None: ...

class CreateTenantResponse(_message.Message):
    __slots__ = ("tenant",)
    TENANT_FIELD_NUMBER: _ClassVar[int]
    tenant: Tenant
    def __init__(self, tenant: _Optional[_Union[Tenant, _Mapping]] = ...) -> None: ...

class GetTenantRequest(_message.Message):
    __slots__ = ("tenant_id",)
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    def __init__(self, tenant_id: _Optional[str] = ...) -> None: ...

class GetTenantResponse(_message.Message):
    __slots__ = ("tenant",)
    TENANT_FIELD_NUMBER: _ClassVar[int]
    tenant: Tenant
    def __init__(self, tenant: _Optional[_Union[Tenant, _Mapping]] = ...) -> None: ...

class ListTenantsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListTenantsResponse(_message.Message):
    __slots__ = ("tenants",)
    TENANTS_FIELD_NUMBER: _ClassVar[int]
    tenants: _containers.RepeatedCompositeFieldContainer[Tenant]
    def __init__(self, tenants: _Optional[_Iterable[_Union[Tenant, _Mapping]]] = ...) -> None: ...

class UpdateTenantSettingsRequest(_message.Message):
    __slots__ = ("tenant_id", "settings")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    settings: TenantSettings
    def __init__(self, tenant_id: _Optional[str] = ..., settings: _Optional[_Union[TenantSettings, _Mapping]] = ...) -> None: ...

class UpdateTenantSettingsResponse(_message.Message):
    __slots__ = ("tenant",)
    TENANT_FIELD_NUMBER: _ClassVar[int]
    tenant: Tenant
    def __init__(self, tenant: _Optional[_Union[Tenant, _Mapping]] = ...) -> None: ...

class CreateApiKeyRequest(_message.Message):
    __slots__ = ("tenant_id", "description", "scope")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    description: str
    scope: ApiKeyScope
    def __init__(self, tenant_id: _Optional[str] = ..., description: _Optional[str] = ..., scope: _Optional[_Union[ApiKeyScope, str]] = ...) -> None: ...

class CreateApiKeyResponse(_message.Message):
    __slots__ = ("key_id", "api_key")
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    API_KEY_FIELD_NUMBER: _ClassVar[int]
    key_id: str
    api_key: str
    def __init__(self, key_id: _Optional[str] = ..., api_key: _Optional[str] = ...) -> None: ...

class ListApiKeysRequest(_message.Message):
    __slots__ = ("tenant_id",)
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    def __init__(self, tenant_id: _Optional[str] = ...) -> None: ...

class ApiKeyInfo(_message.Message):
    __slots__ = ("key_id", "tenant_id", "description", "created_at", "scope", "expires_at")
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    key_id: str
    tenant_id: str
    description: str
    created_at: _timestamp_pb2.Timestamp
    scope: ApiKeyScope
    expires_at: _timestamp_pb2.Timestamp
    def __init__(self, key_id: _Optional[str] = ..., tenant_id: _Optional[str] = ..., description: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., scope: _Optional[_Union[ApiKeyScope, str]] = ..., expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListApiKeysResponse(_message.Message):
    __slots__ = ("keys",)
    KEYS_FIELD_NUMBER: _ClassVar[int]
    keys: _containers.RepeatedCompositeFieldContainer[ApiKeyInfo]
    def __init__(self, keys: _Optional[_Iterable[_Union[ApiKeyInfo, _Mapping]]] = ...) -> None: ...

class RevokeApiKeyRequest(_message.Message):
    __slots__ = ("tenant_id", "key_id")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    key_id: str
    def __init__(self, tenant_id: _Optional[str] = ..., key_id: _Optional[str] = ...) -> None: ...

class RevokeApiKeyResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class RotateApiKeyRequest(_message.Message):
    __slots__ = ("tenant_id", "key_id", "grace_sec")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    GRACE_SEC_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    key_id: str
    grace_sec: int
    def __init__(self, tenant_id: _Optional[str] = ..., key_id: _Optional[str] = ..., grace_sec: _Optional[int] = ...) -> None: ...

class RotateApiKeyResponse(_message.Message):
    __slots__ = ("key_id", "api_key", "old_key_expires_at")
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    API_KEY_FIELD_NUMBER: _ClassVar[int]
    OLD_KEY_EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    key_id: str
    api_key: str
    old_key_expires_at: _timestamp_pb2.Timestamp
    def __init__(self, key_id: _Optional[str] = ..., api_key: _Optional[str] = ..., old_key_expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListBlocksRequest(_message.Message):
    __slots__ = ("tenant_id",)
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    def __init__(self, tenant_id: _Optional[str] = ...) -> None: ...

class ListBlocksResponse(_message.Message):
    __slots__ = ("blocks",)
    BLOCKS_FIELD_NUMBER: _ClassVar[int]
    blocks: _containers.RepeatedCompositeFieldContainer[_verify_pb2.Block]
    def __init__(self, blocks: _Optional[_Iterable[_Union[_verify_pb2.Block, _Mapping]]] = ...) -> None: ...

class LiftBlockRequest(_message.Message):
    __slots__ = ("tenant_id", "country_iso", "prefix")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_ISO_FIELD_NUMBER: _ClassVar[int]
    PREFIX_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    country_iso: str
    prefix: str
    def __init__(self, tenant_id: _Optional[str] = ..., country_iso: _Optional[str] = ..., prefix: _Optional[str] = ...) -> None: ...

class LiftBlockResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class AuditEntry(_message.Message):
    __slots__ = ("id", "time", "tenant_id", "actor", "action", "subject", "detail")
    ID_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    id: str
    time: _timestamp_pb2.Timestamp
    tenant_id: str
    actor: str
    action: str
    subject: str
    detail: str
    def __init__(self, id: _Optional[str] = ..., time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., tenant_id: _Optional[str] = ..., actor: _Optional[str] = ..., action: _Optional[str] = ..., subject: _Optional[str] = ..., detail: _Optional[str] = ...) -> None: ...

class ListAuditEntriesRequest(_message.Message):
    __slots__ = ("tenant_id", "actions", "since", "before", "page_size")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    ACTIONS_FIELD_NUMBER: _ClassVar[int]
    SINCE_FIELD_NUMBER: _ClassVar[int]
    BEFORE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    actions: _containers.RepeatedScalarFieldContainer[str]
    since: _timestamp_pb2.Timestamp
    before: _timestamp_pb2.Timestamp
    page_size: int
    def __init__(self, tenant_id: _Optional[str] = ..., actions: _Optional[_Iterable[str]] = ..., since: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., before: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., page_size: _Optional[int] = ...) -> None: ...

class ListAuditEntriesResponse(_message.Message):
    __slots__ = ("entries",)
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[AuditEntry]
    def __init__(self, entries: _Optional[_Iterable[_Union[AuditEntry, _Mapping]]] = ...) -> None: ...

class SandboxMessage(_message.Message):
    __slots__ = ("verification_id", "tenant_id", "channel", "recipient", "sender_id", "code", "text", "ssml", "subject", "html", "external_id", "outcome", "sent_at")
    VERIFICATION_ID_FIELD_NUMBER: _ClassVar[int]
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_FIELD_NUMBER: _ClassVar[int]
    SENDER_ID_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    SSML_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    HTML_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    SENT_AT_FIELD_NUMBER: _ClassVar[int]
    verification_id: str
    tenant_id: str
    channel: _verify_pb2.Channel
    recipient: str
    sender_id: str
    code: str
    text: str
    ssml: str
    subject: str
    html: str
    external_id: str
    outcome: str
    sent_at: _timestamp_pb2.Timestamp
    def __init__(self, verification_id: _Optional[str] = ..., tenant_id: _Optional[str] = ..., channel: _Optional[_Union[_verify_pb2.Channel, str]] = ..., recipient: _Optional[str] = ..., sender_id: _Optional[str] = ..., code: _Optional[str] = ..., text: _Optional[str] = ..., ssml: _Optional[str] = ..., subject: _Optional[str] = ..., html: _Optional[str] = ..., external_id: _Optional[str] = ..., outcome: _Optional[str] = ..., sent_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListSandboxMessagesRequest(_message.Message):
    __slots__ = ("tenant_id", "verification_id", "recipient")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    VERIFICATION_ID_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    verification_id: str
    recipient: str
    def __init__(self, tenant_id: _Optional[str] = ..., verification_id: _Optional[str] = ..., recipient: _Optional[str] = ...) -> None: ...

class ListSandboxMessagesResponse(_message.Message):
    __slots__ = ("messages",)
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    messages: _containers.RepeatedCompositeFieldContainer[SandboxMessage]
    def __init__(self, messages: _Optional[_Iterable[_Union[SandboxMessage, _Mapping]]] = ...) -> None: ...

class AdvanceClockRequest(_message.Message):
    __slots__ = ("seconds",)
    SECONDS_FIELD_NUMBER: _ClassVar[int]
    seconds: int
    def __init__(self, seconds: _Optional[int] = ...) -> None: ...

class AdvanceClockResponse(_message.Message):
    __slots__ = ("now",)
    NOW_FIELD_NUMBER: _ClassVar[int]
    now: _timestamp_pb2.Timestamp
    def __init__(self, now: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class WebhookEndpoint(_message.Message):
    __slots__ = ("id", "tenant_id", "url", "for_request_urls", "events", "description", "disabled", "disabled_reason", "created_at", "updated_at", "previous_secret_expires_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    FOR_REQUEST_URLS_FIELD_NUMBER: _ClassVar[int]
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    DISABLED_FIELD_NUMBER: _ClassVar[int]
    DISABLED_REASON_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_SECRET_EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    tenant_id: str
    url: str
    for_request_urls: bool
    events: _containers.RepeatedScalarFieldContainer[str]
    description: str
    disabled: bool
    disabled_reason: str
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    previous_secret_expires_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., tenant_id: _Optional[str] = ..., url: _Optional[str] = ..., for_request_urls: _Optional[bool] = ..., events: _Optional[_Iterable[str]] = ..., description: _Optional[str] = ..., disabled: _Optional[bool] = ..., disabled_reason: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., previous_secret_expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateWebhookEndpointRequest(_message.Message):
    __slots__ = ("tenant_id", "url", "events", "description", "for_request_urls")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    FOR_REQUEST_URLS_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    url: str
    events: _containers.RepeatedScalarFieldContainer[str]
    description: str
    for_request_urls: bool
    def __init__(self, tenant_id: _Optional[str] = ..., url: _Optional[str] = ..., events: _Optional[_Iterable[str]] = ..., description: _Optional[str] = ..., for_request_urls: _Optional[bool] = ...) -> None: ...

class CreateWebhookEndpointResponse(_message.Message):
    __slots__ = ("endpoint", "secret")
    ENDPOINT_FIELD_NUMBER: _ClassVar[int]
    SECRET_FIELD_NUMBER: _ClassVar[int]
    endpoint: WebhookEndpoint
    secret: str
    def __init__(self, endpoint: _Optional[_Union[WebhookEndpoint, _Mapping]] = ..., secret: _Optional[str] = ...) -> None: ...

class ListWebhookEndpointsRequest(_message.Message):
    __slots__ = ("tenant_id",)
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    def __init__(self, tenant_id: _Optional[str] = ...) -> None: ...

class ListWebhookEndpointsResponse(_message.Message):
    __slots__ = ("endpoints",)
    ENDPOINTS_FIELD_NUMBER: _ClassVar[int]
    endpoints: _containers.RepeatedCompositeFieldContainer[WebhookEndpoint]
    def __init__(self, endpoints: _Optional[_Iterable[_Union[WebhookEndpoint, _Mapping]]] = ...) -> None: ...

class WebhookEvents(_message.Message):
    __slots__ = ("events",)
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    events: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, events: _Optional[_Iterable[str]] = ...) -> None: ...

class UpdateWebhookEndpointRequest(_message.Message):
    __slots__ = ("tenant_id", "id", "url", "events", "description", "disabled")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    DISABLED_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    id: str
    url: str
    events: WebhookEvents
    description: str
    disabled: bool
    def __init__(self, tenant_id: _Optional[str] = ..., id: _Optional[str] = ..., url: _Optional[str] = ..., events: _Optional[_Union[WebhookEvents, _Mapping]] = ..., description: _Optional[str] = ..., disabled: _Optional[bool] = ...) -> None: ...

class UpdateWebhookEndpointResponse(_message.Message):
    __slots__ = ("endpoint",)
    ENDPOINT_FIELD_NUMBER: _ClassVar[int]
    endpoint: WebhookEndpoint
    def __init__(self, endpoint: _Optional[_Union[WebhookEndpoint, _Mapping]] = ...) -> None: ...

class DeleteWebhookEndpointRequest(_message.Message):
    __slots__ = ("tenant_id", "id")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    id: str
    def __init__(self, tenant_id: _Optional[str] = ..., id: _Optional[str] = ...) -> None: ...

class DeleteWebhookEndpointResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class RotateWebhookSecretRequest(_message.Message):
    __slots__ = ("tenant_id", "id", "grace_sec")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    GRACE_SEC_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    id: str
    grace_sec: int
    def __init__(self, tenant_id: _Optional[str] = ..., id: _Optional[str] = ..., grace_sec: _Optional[int] = ...) -> None: ...

class RotateWebhookSecretResponse(_message.Message):
    __slots__ = ("endpoint", "secret")
    ENDPOINT_FIELD_NUMBER: _ClassVar[int]
    SECRET_FIELD_NUMBER: _ClassVar[int]
    endpoint: WebhookEndpoint
    secret: str
    def __init__(self, endpoint: _Optional[_Union[WebhookEndpoint, _Mapping]] = ..., secret: _Optional[str] = ...) -> None: ...

class WebhookDelivery(_message.Message):
    __slots__ = ("id", "tenant_id", "endpoint_id", "url", "event_id", "event_type", "verification_id", "status", "attempts", "next_attempt_at", "last_attempt_at", "last_status_code", "last_error", "created_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    ENDPOINT_ID_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    VERIFICATION_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_ATTEMPT_AT_FIELD_NUMBER: _ClassVar[int]
    LAST_ATTEMPT_AT_FIELD_NUMBER: _ClassVar[int]
    LAST_STATUS_CODE_FIELD_NUMBER: _ClassVar[int]
    LAST_ERROR_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    tenant_id: str
    endpoint_id: str
    url: str
    event_id: str
    event_type: str
    verification_id: str
    status: WebhookDeliveryStatus
    attempts: int
    next_attempt_at: _timestamp_pb2.Timestamp
    last_attempt_at: _timestamp_pb2.Timestamp
    last_status_code: int
    last_error: str
    created_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., tenant_id: _Optional[str] = ..., endpoint_id: _Optional[str] = ..., url: _Optional[str] = ..., event_id: _Optional[str] = ..., event_type: _Optional[str] = ..., verification_id: _Optional[str] = ..., status: _Optional[_Union[WebhookDeliveryStatus, str]] = ..., attempts: _Optional[int] = ..., next_attempt_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_attempt_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_status_code: _Optional[int] = ..., last_error: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListWebhookDeliveriesRequest(_message.Message):
    __slots__ = ("tenant_id", "endpoint_id", "event_id", "before", "page_size")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    ENDPOINT_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    BEFORE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    endpoint_id: str
    event_id: str
    before: _timestamp_pb2.Timestamp
    page_size: int
    def __init__(self, tenant_id: _Optional[str] = ..., endpoint_id: _Optional[str] = ..., event_id: _Optional[str] = ..., before: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., page_size: _Optional[int] = ...) -> None: ...

class ListWebhookDeliveriesResponse(_message.Message):
    __slots__ = ("deliveries",)
    DELIVERIES_FIELD_NUMBER: _ClassVar[int]
    deliveries: _containers.RepeatedCompositeFieldContainer[WebhookDelivery]
    def __init__(self, deliveries: _Optional[_Iterable[_Union[WebhookDelivery, _Mapping]]] = ...) -> None: ...

class RedeliverWebhookRequest(_message.Message):
    __slots__ = ("tenant_id", "delivery_id")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    DELIVERY_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    delivery_id: str
    def __init__(self, tenant_id: _Optional[str] = ..., delivery_id: _Optional[str] = ...) -> None: ...

class RedeliverWebhookResponse(_message.Message):
    __slots__ = ("delivery",)
    DELIVERY_FIELD_NUMBER: _ClassVar[int]
    delivery: WebhookDelivery
    def __init__(self, delivery: _Optional[_Union[WebhookDelivery, _Mapping]] = ...) -> None: ...
