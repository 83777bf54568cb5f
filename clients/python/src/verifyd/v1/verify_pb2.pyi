import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Channel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CHANNEL_UNSPECIFIED: _ClassVar[Channel]
    CHANNEL_TELEGRAM: _ClassVar[Channel]
    CHANNEL_VOICE: _ClassVar[Channel]
    CHANNEL_SMS: _ClassVar[Channel]
    CHANNEL_WHATSAPP: _ClassVar[Channel]
    CHANNEL_EMAIL: _ClassVar[Channel]

class Lang(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    LANG_UNSPECIFIED: _ClassVar[Lang]
    LANG_EN: _ClassVar[Lang]
    LANG_DE: _ClassVar[Lang]
    LANG_FR: _ClassVar[Lang]
    LANG_IT: _ClassVar[Lang]
    LANG_ES: _ClassVar[Lang]
    LANG_PL: _ClassVar[Lang]
    LANG_NL: _ClassVar[Lang]
    LANG_RO: _ClassVar[Lang]
    LANG_PT: _ClassVar[Lang]
    LANG_CS: _ClassVar[Lang]
    LANG_HU: _ClassVar[Lang]
    LANG_SV: _ClassVar[Lang]
    LANG_DA: _ClassVar[Lang]
    LANG_FI: _ClassVar[Lang]
    LANG_SK: _ClassVar[Lang]
    LANG_HR: _ClassVar[Lang]
    LANG_TR: _ClassVar[Lang]
    LANG_RU: _ClassVar[Lang]
    LANG_BG: _ClassVar[Lang]
    LANG_UK: _ClassVar[Lang]

class DeliveryStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DELIVERY_STATUS_UNSPECIFIED: _ClassVar[DeliveryStatus]
    DELIVERY_STATUS_NEW: _ClassVar[DeliveryStatus]
    DELIVERY_STATUS_IN_PROGRESS: _ClassVar[DeliveryStatus]
    DELIVERY_STATUS_SUCCESS: _ClassVar[DeliveryStatus]
    DELIVERY_STATUS_FAILED: _ClassVar[DeliveryStatus]
    DELIVERY_STATUS_ERROR: _ClassVar[DeliveryStatus]

class VerificationState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    VERIFICATION_STATE_UNSPECIFIED: _ClassVar[VerificationState]
    VERIFICATION_STATE_PENDING: _ClassVar[VerificationState]
    VERIFICATION_STATE_VERIFIED: _ClassVar[VerificationState]
    VERIFICATION_STATE_EXPIRED: _ClassVar[VerificationState]
    VERIFICATION_STATE_MAX_ATTEMPTS_REACHED: _ClassVar[VerificationState]
    VERIFICATION_STATE_CANCELED: _ClassVar[VerificationState]

class CheckResult(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CHECK_RESULT_UNSPECIFIED: _ClassVar[CheckResult]
    CHECK_RESULT_VERIFIED: _ClassVar[CheckResult]
    CHECK_RESULT_INCORRECT: _ClassVar[CheckResult]
    CHECK_RESULT_EXPIRED: _ClassVar[CheckResult]
    CHECK_RESULT_MAX_ATTEMPTS_REACHED: _ClassVar[CheckResult]
    CHECK_RESULT_NOT_PENDING: _ClassVar[CheckResult]

class WatchEventKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    WATCH_EVENT_KIND_UNSPECIFIED: _ClassVar[WatchEventKind]
    WATCH_EVENT_KIND_SNAPSHOT: _ClassVar[WatchEventKind]
    WATCH_EVENT_KIND_SUCCESS: _ClassVar[WatchEventKind]
    WATCH_EVENT_KIND_FAILED: _ClassVar[WatchEventKind]
    WATCH_EVENT_KIND_CHANNEL_SENT: _ClassVar[WatchEventKind]
    WATCH_EVENT_KIND_CHANNEL_SUCCESS: _ClassVar[WatchEventKind]
    WATCH_EVENT_KIND_CHANNEL_FAILED: _ClassVar[WatchEventKind]
    WATCH_EVENT_KIND_CHANNEL_UPDATED: _ClassVar[WatchEventKind]
    WATCH_EVENT_KIND_VERIFIED: _ClassVar[WatchEventKind]
    WATCH_EVENT_KIND_EXPIRED: _ClassVar[WatchEventKind]
    WATCH_EVENT_KIND_MAX_ATTEMPTS_REACHED: _ClassVar[WatchEventKind]
    WATCH_EVENT_KIND_CANCELED: _ClassVar[WatchEventKind]
    WATCH_EVENT_KIND_BLOCKED: _ClassVar[WatchEventKind]
CHANNEL_UNSPECIFIED: Channel
CHANNEL_TELEGRAM: Channel
CHANNEL_VOICE: Channel
CHANNEL_SMS: Channel
CHANNEL_WHATSAPP: Channel
CHANNEL_EMAIL: Channel
LANG_UNSPECIFIED: Lang
LANG_EN: Lang
LANG_DE: Lang
LANG_FR: Lang
LANG_IT: Lang
LANG_ES: Lang
LANG_PL: Lang
LANG_NL: Lang
LANG_RO: Lang
LANG_PT: Lang
LANG_CS: Lang
LANG_HU: Lang
LANG_SV: Lang
LANG_DA: Lang
LANG_FI: Lang
LANG_SK: Lang
LANG_HR: Lang
LANG_TR: Lang
LANG_RU: Lang
LANG_BG: Lang
LANG_UK: Lang
DELIVERY_STATUS_UNSPECIFIED: DeliveryStatus
DELIVERY_STATUS_NEW: DeliveryStatus
DELIVERY_STATUS_IN_PROGRESS: DeliveryStatus
DELIVERY_STATUS_SUCCESS: DeliveryStatus
DELIVERY_STATUS_FAILED: DeliveryStatus
DELIVERY_STATUS_ERROR: DeliveryStatus
VERIFICATION_STATE_UNSPECIFIED: VerificationState
VERIFICATION_STATE_PENDING: VerificationState
VERIFICATION_STATE_VERIFIED: VerificationState
VERIFICATION_STATE_EXPIRED: VerificationState
VERIFICATION_STATE_MAX_ATTEMPTS_REACHED: VerificationState
VERIFICATION_STATE_CANCELED: VerificationState
CHECK_RESULT_UNSPECIFIED: CheckResult
CHECK_RESULT_VERIFIED: CheckResult
CHECK_RESULT_INCORRECT: CheckResult
CHECK_RESULT_EXPIRED: CheckResult
CHECK_RESULT_MAX_ATTEMPTS_REACHED: CheckResult
CHECK_RESULT_NOT_PENDING: CheckResult
WATCH_EVENT_KIND_UNSPECIFIED: WatchEventKind
WATCH_EVENT_KIND_SNAPSHOT: WatchEventKind
WATCH_EVENT_KIND_SUCCESS: WatchEventKind
WATCH_EVENT_KIND_FAILED: WatchEventKind
WATCH_EVENT_KIND_CHANNEL_SENT: WatchEventKind
WATCH_EVENT_KIND_CHANNEL_SUCCESS: WatchEventKind
WATCH_EVENT_KIND_CHANNEL_FAILED: WatchEventKind
WATCH_EVENT_KIND_CHANNEL_UPDATED: WatchEventKind
WATCH_EVENT_KIND_VERIFIED: WatchEventKind
WATCH_EVENT_KIND_EXPIRED: WatchEventKind
WATCH_EVENT_KIND_MAX_ATTEMPTS_REACHED: WatchEventKind
WATCH_EVENT_KIND_CANCELED: WatchEventKind
WATCH_EVENT_KIND_BLOCKED: WatchEventKind

class Block(_message.Message):
    __slots__ = ("tenant_id", "country_iso", "prefix", "since", "until", "strikes", "sends", "verified")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_ISO_FIELD_NUMBER: _ClassVar[int]
    PREFIX_FIELD_NUMBER: _ClassVar[int]
    SINCE_FIELD_NUMBER: _ClassVar[int]
    UNTIL_FIELD_NUMBER: _ClassVar[int]
    STRIKES_FIELD_NUMBER: _ClassVar[int]
    SENDS_FIELD_NUMBER: _ClassVar[int]
    VERIFIED_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    country_iso: str
    prefix: str
    since: _timestamp_pb2.Timestamp
    until: _timestamp_pb2.Timestamp
    strikes: int
    sends: int
    verified: int
    def __init__(self, tenant_id: _Optional[str] = ..., country_iso: _Optional[str] = ..., prefix: _Optional[str] = ..., since: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., strikes: _Optional[int] = ..., sends: _Optional[int] = ..., verified: _Optional[int] = ...) -> None: ...

class RoutingStep(_message.Message):
    __slots__ = ("channel", "timeout_sec", "sender_id", "template")
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_SEC_FIELD_NUMBER: _ClassVar[int]
    SENDER_ID_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    channel: Channel
    timeout_sec: int
    sender_id: str
    template: str
    def __init__(self, channel: _Optional[_Union[Channel, str]] = ..., timeout_sec: _Optional[int] = ..., sender_id: _Optional[str] = ..., template: _Optional[str] = ...) -> None: ...

class ChannelAttempt(_message.Message):
    __slots__ = ("id", "channel", "status", "processed_at", "external_id", "cost", "error_reason", "sent_at", "deadline", "provider", "provider_cost", "provider_status", "tries")
    ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PROCESSED_AT_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    COST_FIELD_NUMBER: _ClassVar[int]
    ERROR_REASON_FIELD_NUMBER: _ClassVar[int]
    SENT_AT_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_COST_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_STATUS_FIELD_NUMBER: _ClassVar[int]
    TRIES_FIELD_NUMBER: _ClassVar[int]
    id: str
    channel: Channel
    status: DeliveryStatus
    processed_at: _timestamp_pb2.Timestamp
    external_id: str
    cost: int
    error_reason: str
    sent_at: _timestamp_pb2.Timestamp
    deadline: _timestamp_pb2.Timestamp
    provider: str
    provider_cost: ProviderCost
    provider_status: str
    tries: _containers.RepeatedCompositeFieldContainer[ProviderTry]
    def __init__(self, id: _Optional[str] = ..., channel: _Optional[_Union[Channel, str]] = ..., status: _Optional[_Union[DeliveryStatus, str]] = ..., processed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., external_id: _Optional[str] = ..., cost: _Optional[int] = ..., error_reason: _Optional[str] = ..., sent_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., deadline: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., provider: _Optional[str] = ..., provider_cost: _Optional[_Union[ProviderCost, _Mapping]] = ..., provider_status: _Optional[str] = ..., tries: _Optional[_Iterable[_Union[ProviderTry, _Mapping]]] = ...) -> None: ...

class ProviderCost(_message.Message):
    __slots__ = ("currency", "micros")
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    MICROS_FIELD_NUMBER: _ClassVar[int]
    currency: str
    micros: int
    def __init__(self, currency: _Optional[str] = ..., micros: _Optional[int] = ...) -> None: ...

class ProviderTry(_message.Message):
    __slots__ = ("provider", "time", "outcome")
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    provider: str
    time: _timestamp_pb2.Timestamp
    outcome: str
    def __init__(self, provider: _Optional[str] = ..., time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., outcome: _Optional[str] = ...) -> None: ...

class Verification(_message.Message):
    __slots__ = ("id", "tenant_id", "phone", "email", "code", "code_length", "lang", "routing_strategy", "status", "delivered_channel", "cost", "currency", "payload", "created_at", "updated_at", "expires_at", "history", "is_code_deleted", "state", "attempts_remaining", "app_name", "request_id", "country_iso", "callback_url")
    ID_FIELD_NUMBER: _ClassVar[int]
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    CODE_LENGTH_FIELD_NUMBER: _ClassVar[int]
    LANG_FIELD_NUMBER: _ClassVar[int]
    ROUTING_STRATEGY_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    DELIVERED_CHANNEL_FIELD_NUMBER: _ClassVar[int]
    COST_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    HISTORY_FIELD_NUMBER: _ClassVar[int]
    IS_CODE_DELETED_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_REMAINING_FIELD_NUMBER: _ClassVar[int]
    APP_NAME_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_ISO_FIELD_NUMBER: _ClassVar[int]
    CALLBACK_URL_FIELD_NUMBER: _ClassVar[int]
    id: str
    tenant_id: str
    phone: str
    email: str
    code: str
    code_length: int
    lang: Lang
    routing_strategy: _containers.RepeatedCompositeFieldContainer[RoutingStep]
    status: DeliveryStatus
    delivered_channel: Channel
    cost: int
    currency: str
    payload: str
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    expires_at: _timestamp_pb2.Timestamp
    history: _containers.RepeatedCompositeFieldContainer[ChannelAttempt]
    is_code_deleted: bool
    state: VerificationState
    attempts_remaining: int
    app_name: str
    request_id: str
    country_iso: str
    callback_url: str
    def __init__(self, id: _Optional[str] = ..., tenant_id: _Optional[str] = ..., phone: _Optional[str] = ..., email: _Optional[str] = ..., code: _Optional[str] = ..., code_length: _Optional[int] = ..., lang: _Optional[_Union[Lang, str]] = ..., routing_strategy: _Optional[_Iterable[_Union[RoutingStep, _Mapping]]] = ..., status: _Optional[_Union[DeliveryStatus, str]] = ..., delivered_channel: _Optional[_Union[Channel, str]] = ..., cost: _Optional[int] = ..., currency: _Optional[str] = ..., payload: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., history: _Optional[_Iterable[_Union[ChannelAttempt, _Mapping]]] = ..., is_code_deleted: _Optional[bool] = ..., state: _Optional[_Union[VerificationState, str]] = ..., attempts_remaining: _Optional[int] = ..., app_name: _Optional[str] = ..., request_id: _Optional[str] = ..., country_iso: _Optional[str] = ..., callback_url: _Optional[str] = ...) -> None: ...

class StartVerificationRequest(_message.Message):
    __slots__ = ("phone", "email", "routing_strategy", "code", "code_length", "lang", "app_name", "payload", "is_code_deleted", "ttl_sec", "max_attempts", "request_id", "callback_url")
    PHONE_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    ROUTING_STRATEGY_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    CODE_LENGTH_FIELD_NUMBER: _ClassVar[int]
    LANG_FIELD_NUMBER: _ClassVar[int]
    APP_NAME_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_FIELD_NUMBER: _ClassVar[int]
    IS_CODE_DELETED_FIELD_NUMBER: _ClassVar[int]
    TTL_SEC_FIELD_NUMBER: _ClassVar[int]
    MAX_ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CALLBACK_URL_FIELD_NUMBER: _ClassVar[int]
    phone: str
    email: str
    routing_strategy: _containers.RepeatedCompositeFieldContainer[RoutingStep]
    code: str
    code_length: int
    lang: Lang
    app_name: str
    payload: str
    is_code_deleted: bool
    ttl_sec: int
    max_attempts: int
    request_id: str
    callback_url: str
    def __init__(self, phone: _Optional[str] = ..., email: _Optional[str] = ..., routing_strategy: _Optional[_Iterable[_Union[RoutingStep, _Mapping]]] = ..., code: _Optional[str] = ..., code_length: _Optional[int] = ..., lang: _Optional[_Union[Lang, str]] = ..., app_name: _Optional[str] = ..., payload: _Optional[str] = ..., is_code_deleted: _Optional[bool] = ..., ttl_sec: _Optional[int] = ..., max_attempts: _Optional[int] = ..., request_id: _Optional[str] = ..., callback_url: _Optional[str] = ...) -> None: ...

class StartVerificationResponse(_message.Message):
    __slots__ = ("verification",)
    VERIFICATION_FIELD_NUMBER: _ClassVar[int]
    verification: Verification
    def __init__(self, verification: _Optional[_Union[Verification, _Mapping]] = ...) -> None: ...

class CheckCodeRequest(_message.Message):
    __slots__ = ("id", "code")
    ID_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    id: str
    code: str
    def __init__(self, id: _Optional[str] = ..., code: _Optional[str] = ...) -> None: ...

class CheckCodeResponse(_message.Message):
    __slots__ = ("result", "verification")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    VERIFICATION_FIELD_NUMBER: _ClassVar[int]
    result: CheckResult
    verification: Verification
    def __init__(self, result: _Optional[_Union[CheckResult, str]] = ..., verification: _Optional[_Union[Verification, _Mapping]] = ...) -> None: ...

class GetVerificationRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class GetVerificationResponse(_message.Message):
    __slots__ = ("verification",)
    VERIFICATION_FIELD_NUMBER: _ClassVar[int]
    verification: Verification
    def __init__(self, verification: _Optional[_Union[Verification, _Mapping]] = ...) -> None: ...

class CancelVerificationRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class CancelVerificationResponse(_message.Message):
    __slots__ = ("verification",)
    VERIFICATION_FIELD_NUMBER: _ClassVar[int]
    verification: Verification
    def __init__(self, verification: _Optional[_Union[Verification, _Mapping]] = ...) -> None: ...

class WatchStatusRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class WatchStatusResponse(_message.Message):
    __slots__ = ("kind", "event", "verification", "active_verifications", "event_time", "resync", "step_index", "channel", "active_total", "block")
    KIND_FIELD_NUMBER: _ClassVar[int]
    EVENT_FIELD_NUMBER: _ClassVar[int]
    VERIFICATION_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_VERIFICATIONS_FIELD_NUMBER: _ClassVar[int]
    EVENT_TIME_FIELD_NUMBER: _ClassVar[int]
    RESYNC_FIELD_NUMBER: _ClassVar[int]
    STEP_INDEX_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_TOTAL_FIELD_NUMBER: _ClassVar[int]
    BLOCK_FIELD_NUMBER: _ClassVar[int]
    kind: WatchEventKind
    event: str
    verification: Verification
    active_verifications: _containers.RepeatedCompositeFieldContainer[Verification]
    event_time: _timestamp_pb2.Timestamp
    resync: bool
    step_index: int
    channel: Channel
    active_total: int
    block: Block
    def __init__(self, kind: _Optional[_Union[WatchEventKind, str]] = ..., event: _Optional[str] = ..., verification: _Optional[_Union[Verification, _Mapping]] = ..., active_verifications: _Optional[_Iterable[_Union[Verification, _Mapping]]] = ..., event_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., resync: _Optional[bool] = ..., step_index: _Optional[int] = ..., channel: _Optional[_Union[Channel, str]] = ..., active_total: _Optional[int] = ..., block: _Optional[_Union[Block, _Mapping]] = ...) -> None: ...
