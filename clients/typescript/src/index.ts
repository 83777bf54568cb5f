/**
 * Node.js client for verifyd. {@link VerifydClient} wraps VerifyService,
 * {@link VerifydAdmin} the sandbox and clock calls of AdminService, and every failure is
 * a {@link VerifydError} carrying the decoded `google.rpc.ErrorInfo` and `BadRequest`.
 * The generated messages, enums and grpc-js clients are re-exported as well.
 */
export { VerifydClient, VerifydAdmin, eventAttempt, type ClientOptions, type SandboxFilter, type StartInput } from "./client.js";
export { VerifydError, STATUS_DETAILS_TRAILER, type FieldViolation, type RawDetail } from "./errors.js";
export * from "./gen/verifyd/v1/verify.js";
export {
  AdminServiceClient,
  AdminServiceService,
  type AdminServiceServer,
  AdvanceClockRequest,
  AdvanceClockResponse,
  ApiKeyInfo,
  ChannelPrice,
  CreateApiKeyRequest,
  CreateApiKeyResponse,
  CreateTenantRequest,
  CreateTenantResponse,
  GetTenantRequest,
  GetTenantResponse,
  ListApiKeysRequest,
  ListApiKeysResponse,
  ListSandboxMessagesRequest,
  ListSandboxMessagesResponse,
  ListTenantsRequest,
  ListTenantsResponse,
  RevokeApiKeyRequest,
  RevokeApiKeyResponse,
  SandboxMessage,
  Tenant,
  TenantSettings,
  UpdateTenantSettingsRequest,
  UpdateTenantSettingsResponse,
} from "./gen/verifyd/v1/admin.js";
