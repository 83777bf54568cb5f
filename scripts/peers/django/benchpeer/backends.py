"""SMS backend for the verifyd-bench django-phone-verify peer.

django-phone-verify 3.3.0 ships two sandbox backends,
phone_verify.backends.twilio.TwilioSandboxBackend and
phone_verify.backends.nexmo.NexmoSandboxBackend. Both fix the security code to
PHONE_VERIFICATION["OPTIONS"]["SANDBOX_TOKEN"], but their send_sms() still calls the
provider's API (Twilio / Nexmo) for every code, which would need the provider SDK,
credentials and outbound network, and they also make validate_security_code() skip the
stored-code comparison whenever the submitted code equals the token (the code is then
accepted with any session token and any number of times).

This backend keeps only the sandbox's fixed code (same SANDBOX_TOKEN setting) and
sends nothing. It does not skip anything on the check: verification runs the package's
own BaseBackend.validate_security_code(), i.e. the production path (look up the row by
number + session token, failed-attempt limit, code comparison, expiry, single use).
"""
from phone_verify.backends.base import BaseBackend


class NoSMSSandboxBackend(BaseBackend):
    def __init__(self, **options):
        super().__init__(**options)
        options = {key.lower(): value for key, value in options.items()}
        self._token = options["sandbox_token"]
        # services.send_security_code_and_generate_session_token() catches this class.
        self.exception_class = RuntimeError

    def generate_security_code(self):
        return self._token

    def send_sms(self, number, message):
        pass

    def send_bulk_sms(self, numbers, message):
        pass
