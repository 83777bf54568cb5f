// Package verifyd is a thin client for verifyd, the self-hosted one-time-code
// verification gRPC service.
//
// [Client] wraps VerifyService and attaches the metadata every call needs
// (`authorization: Bearer <api key>` and `x-tenant-id`). [Admin] covers the AdminService
// calls that tests and demos use (the sandbox outbox and the manual clock). Every failed
// call returns an [*Error], which carries the google.rpc.ErrorInfo reason and the
// google.rpc.BadRequest field violations of the server's rich error status; it also
// implements GRPCStatus, so status.FromError and status.Code keep working.
//
// Requests and results are the generated messages of package
// github.com/verifyd/verifyd/clients/go/verifydv1, which is generated from proto/ by
// scripts/gen-clients.sh and never edited by hand.
package verifyd
