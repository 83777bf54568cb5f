"""Python client for verifyd, the self-hosted one-time-code verification service.

    import verifyd
    client = verifyd.Client("127.0.0.1:50051", api_key="...", tenant_id="default")
    v = client.start(phone="+33639980000", routing_strategy=["telegram", "sms"])
    result = client.check(v.id, "123456")

The generated messages and stubs are in `verifyd.v1` (verify_pb2, admin_pb2 and their
_pb2_grpc modules); the enums are re-exported here for convenience.
"""

from verifyd.client import DEFAULT_TIMEOUT, AdminClient, Client, WatchStream, event_attempt, step
from verifyd.errors import FieldViolation, VerifydError
from verifyd.v1 import admin_pb2, verify_pb2
from verifyd.v1.verify_pb2 import (
    Channel,
    CheckResult,
    DeliveryStatus,
    Lang,
    VerificationState,
    WatchEventKind,
)

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_TIMEOUT",
    "AdminClient",
    "Channel",
    "CheckResult",
    "Client",
    "DeliveryStatus",
    "FieldViolation",
    "Lang",
    "VerificationState",
    "VerifydError",
    "WatchEventKind",
    "WatchStream",
    "admin_pb2",
    "event_attempt",
    "step",
    "verify_pb2",
]
