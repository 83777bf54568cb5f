import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from verifyd.v1 import verify_pb2 as _verify_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ChannelPrice(_message.Message):
    __slots__ = ("channel", "price_cents")
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    PRICE_CENTS_FIELD_NUMBER: _ClassVar[int]
    channel: _verify_pb2.Channel
    price_cents: int
    def __init__(self, channel: _Optional[_Union[_verify_pb2.Channel, str]] = ..., price_cents: _Optional[int] = ...) -> None: ...

class TenantSettings(_message.Message):
    __slots__ = ("prices", "blocked_numbers", "sms_filters", "default_app_name", "default_lang")
    PRICES_FIELD_NUMBER: _ClassVar[int]
    BLOCKED_NUMBERS_FIELD_NUMBER: _ClassVar[int]
    SMS_FILTERS_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_APP_NAME_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_LANG_FIELD_NUMBER: _ClassVar[int]
    prices: _containers.RepeatedCompositeFieldContainer[ChannelPrice]
    blocked_numbers: _containers.RepeatedScalarFieldContainer[str]
    sms_filters: _containers.RepeatedScalarFieldContainer[str]
    default_app_name: str
    default_lang: _verify_pb2.Lang
    def __init__(self, prices: _Optional[_Iterable[_Union[ChannelPrice, _Mapping]]] = ..., blocked_numbers: _Optional[_Iterable[str]] = ..., sms_filters: _Optional[_Iterable[str]] = ..., default_app_name: _Optional[str] = ..., default_lang: _Optional[_Union[_verify_pb2.Lang, str]] = ...) -> None: ...

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
    __slots__ = ("tenant_id", "description")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    description: str
    def __init__(self, tenant_id: _Optional[str] = ..., description: _Optional[str] = ...) -> None: ...

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
    __slots__ = ("key_id", "tenant_id", "description", "created_at")
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    key_id: str
    tenant_id: str
    description: str
    created_at: _timestamp_pb2.Timestamp
    def __init__(self, key_id: _Optional[str] = ..., tenant_id: _Optional[str] = ..., description: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

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
