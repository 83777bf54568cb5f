package dev.verifyd.v1;

import static io.grpc.MethodDescriptor.generateFullMethodName;

/**
 * <pre>
 * VerifyService sends one-time codes to people and checks the codes they type.
 * Every call carries two metadata entries: `authorization: Bearer &lt;api key&gt;` and
 * `x-tenant-id: &lt;tenant&gt;`. A missing or wrong key is UNAUTHENTICATED. A verification
 * that belongs to another tenant is NOT_FOUND, exactly like one that does not exist.
 * Errors follow AIP-193: every error carries a `google.rpc.ErrorInfo` with domain
 * `verifyd` and an UPPER_SNAKE reason (for example `VALIDATION_FAILED`,
 * `INVALID_CHANNEL`, `NOT_FOUND`, `UNAUTHENTICATED`, `SHUTTING_DOWN`), and field
 * problems add a `google.rpc.BadRequest` whose field paths look like
 * `routing_strategy[2].timeout_sec`.
 * Limits and defences (each tenant's, set through AdminService's TenantLimits):
 * - RESOURCE_EXHAUSTED with a `google.rpc.RetryInfo` holding the real time to wait,
 *   and reason `RATE_LIMITED` (too many starts for one phone number or email address
 *   in the last hour), `TOO_MANY_IN_DELIVERY` (too many verifications of the tenant
 *   still being delivered; a slot frees whenever one of them finishes, which nobody
 *   knows in advance, so its RetryInfo is a 1 s polling hint), `SPEND_CAP_REACHED` (the tenant's daily spend cap, until
 *   midnight UTC), `PREFIX_BLOCKED` (the number's prefix is blocked for SMS pumping),
 *   `TOO_MANY_FAILED_CHECKS` (CheckCode: too many consecutive wrong codes for the
 *   destination), or `TOO_MANY_BAD_CREDENTIALS` (the client address sent too many
 *   invalid keys; every call from it is refused for a while).
 * - FAILED_PRECONDITION with a `google.rpc.PreconditionFailure` and reason
 *   `NUMBER_TYPE_NOT_ALLOWED` (a premium-rate, shared-cost, toll-free, UAN, pager or
 *   voicemail number, by default) or `COUNTRY_NOT_ALLOWED` (a channel's geo
 *   permissions exclude the number's country), or `CHANNEL_NOT_CONFIGURED` (the
 *   server runs with a delivery config that gives a step's channel no provider; the
 *   subject is `routing_strategy[i].channel`). Nothing is sent.
 * - PERMISSION_DENIED with reason `INSUFFICIENT_SCOPE`: a `read` key (GetVerification
 *   and WatchStatus only) called another method.
 * Overload and hostile input (each node's, set by its flags):
 * - RESOURCE_EXHAUSTED with a `google.rpc.RetryInfo` and reason `OVERLOADED`: the
 *   node has as many StartVerification and CheckCode calls in flight, or codes
 *   waiting to be hashed, as it takes; retry after the delay (another node may have
 *   room). Nothing was done. GetVerification, CancelVerification and WatchStatus are
 *   never refused this way.
 * - RESOURCE_EXHAUSTED with reason `TOO_MANY_WATCHERS`: the tenant holds as many
 *   WatchStatus streams on this node as it may; close one first.
 * - INVALID_ARGUMENT with reason `MALFORMED_REQUEST`: the body is not valid protobuf
 *   for the method. A request larger than the node's limit (64 KiB by default) is
 *   refused before it is read, with OUT_OF_RANGE.
 * </pre>
 */
@io.grpc.stub.annotations.GrpcGenerated
public final class VerifyServiceGrpc {

  private VerifyServiceGrpc() {}

  public static final java.lang.String SERVICE_NAME = "verifyd.v1.VerifyService";

  // Static method descriptors that strictly reflect the proto.
  private static volatile io.grpc.MethodDescriptor<dev.verifyd.v1.StartVerificationRequest,
      dev.verifyd.v1.StartVerificationResponse> getStartVerificationMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "StartVerification",
      requestType = dev.verifyd.v1.StartVerificationRequest.class,
      responseType = dev.verifyd.v1.StartVerificationResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.verifyd.v1.StartVerificationRequest,
      dev.verifyd.v1.StartVerificationResponse> getStartVerificationMethod() {
    io.grpc.MethodDescriptor<dev.verifyd.v1.StartVerificationRequest, dev.verifyd.v1.StartVerificationResponse> getStartVerificationMethod;
    if ((getStartVerificationMethod = VerifyServiceGrpc.getStartVerificationMethod) == null) {
      synchronized (VerifyServiceGrpc.class) {
        if ((getStartVerificationMethod = VerifyServiceGrpc.getStartVerificationMethod) == null) {
          VerifyServiceGrpc.getStartVerificationMethod = getStartVerificationMethod =
              io.grpc.MethodDescriptor.<dev.verifyd.v1.StartVerificationRequest, dev.verifyd.v1.StartVerificationResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "StartVerification"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.verifyd.v1.StartVerificationRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.verifyd.v1.StartVerificationResponse.getDefaultInstance()))
              .setSchemaDescriptor(new VerifyServiceMethodDescriptorSupplier("StartVerification"))
              .build();
        }
      }
    }
    return getStartVerificationMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.verifyd.v1.CheckCodeRequest,
      dev.verifyd.v1.CheckCodeResponse> getCheckCodeMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "CheckCode",
      requestType = dev.verifyd.v1.CheckCodeRequest.class,
      responseType = dev.verifyd.v1.CheckCodeResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.verifyd.v1.CheckCodeRequest,
      dev.verifyd.v1.CheckCodeResponse> getCheckCodeMethod() {
    io.grpc.MethodDescriptor<dev.verifyd.v1.CheckCodeRequest, dev.verifyd.v1.CheckCodeResponse> getCheckCodeMethod;
    if ((getCheckCodeMethod = VerifyServiceGrpc.getCheckCodeMethod) == null) {
      synchronized (VerifyServiceGrpc.class) {
        if ((getCheckCodeMethod = VerifyServiceGrpc.getCheckCodeMethod) == null) {
          VerifyServiceGrpc.getCheckCodeMethod = getCheckCodeMethod =
              io.grpc.MethodDescriptor.<dev.verifyd.v1.CheckCodeRequest, dev.verifyd.v1.CheckCodeResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "CheckCode"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.verifyd.v1.CheckCodeRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.verifyd.v1.CheckCodeResponse.getDefaultInstance()))
              .setSchemaDescriptor(new VerifyServiceMethodDescriptorSupplier("CheckCode"))
              .build();
        }
      }
    }
    return getCheckCodeMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.verifyd.v1.GetVerificationRequest,
      dev.verifyd.v1.GetVerificationResponse> getGetVerificationMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetVerification",
      requestType = dev.verifyd.v1.GetVerificationRequest.class,
      responseType = dev.verifyd.v1.GetVerificationResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.verifyd.v1.GetVerificationRequest,
      dev.verifyd.v1.GetVerificationResponse> getGetVerificationMethod() {
    io.grpc.MethodDescriptor<dev.verifyd.v1.GetVerificationRequest, dev.verifyd.v1.GetVerificationResponse> getGetVerificationMethod;
    if ((getGetVerificationMethod = VerifyServiceGrpc.getGetVerificationMethod) == null) {
      synchronized (VerifyServiceGrpc.class) {
        if ((getGetVerificationMethod = VerifyServiceGrpc.getGetVerificationMethod) == null) {
          VerifyServiceGrpc.getGetVerificationMethod = getGetVerificationMethod =
              io.grpc.MethodDescriptor.<dev.verifyd.v1.GetVerificationRequest, dev.verifyd.v1.GetVerificationResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetVerification"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.verifyd.v1.GetVerificationRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.verifyd.v1.GetVerificationResponse.getDefaultInstance()))
              .setSchemaDescriptor(new VerifyServiceMethodDescriptorSupplier("GetVerification"))
              .build();
        }
      }
    }
    return getGetVerificationMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.verifyd.v1.CancelVerificationRequest,
      dev.verifyd.v1.CancelVerificationResponse> getCancelVerificationMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "CancelVerification",
      requestType = dev.verifyd.v1.CancelVerificationRequest.class,
      responseType = dev.verifyd.v1.CancelVerificationResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.verifyd.v1.CancelVerificationRequest,
      dev.verifyd.v1.CancelVerificationResponse> getCancelVerificationMethod() {
    io.grpc.MethodDescriptor<dev.verifyd.v1.CancelVerificationRequest, dev.verifyd.v1.CancelVerificationResponse> getCancelVerificationMethod;
    if ((getCancelVerificationMethod = VerifyServiceGrpc.getCancelVerificationMethod) == null) {
      synchronized (VerifyServiceGrpc.class) {
        if ((getCancelVerificationMethod = VerifyServiceGrpc.getCancelVerificationMethod) == null) {
          VerifyServiceGrpc.getCancelVerificationMethod = getCancelVerificationMethod =
              io.grpc.MethodDescriptor.<dev.verifyd.v1.CancelVerificationRequest, dev.verifyd.v1.CancelVerificationResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "CancelVerification"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.verifyd.v1.CancelVerificationRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.verifyd.v1.CancelVerificationResponse.getDefaultInstance()))
              .setSchemaDescriptor(new VerifyServiceMethodDescriptorSupplier("CancelVerification"))
              .build();
        }
      }
    }
    return getCancelVerificationMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.verifyd.v1.WatchStatusRequest,
      dev.verifyd.v1.WatchStatusResponse> getWatchStatusMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "WatchStatus",
      requestType = dev.verifyd.v1.WatchStatusRequest.class,
      responseType = dev.verifyd.v1.WatchStatusResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
  public static io.grpc.MethodDescriptor<dev.verifyd.v1.WatchStatusRequest,
      dev.verifyd.v1.WatchStatusResponse> getWatchStatusMethod() {
    io.grpc.MethodDescriptor<dev.verifyd.v1.WatchStatusRequest, dev.verifyd.v1.WatchStatusResponse> getWatchStatusMethod;
    if ((getWatchStatusMethod = VerifyServiceGrpc.getWatchStatusMethod) == null) {
      synchronized (VerifyServiceGrpc.class) {
        if ((getWatchStatusMethod = VerifyServiceGrpc.getWatchStatusMethod) == null) {
          VerifyServiceGrpc.getWatchStatusMethod = getWatchStatusMethod =
              io.grpc.MethodDescriptor.<dev.verifyd.v1.WatchStatusRequest, dev.verifyd.v1.WatchStatusResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "WatchStatus"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.verifyd.v1.WatchStatusRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.verifyd.v1.WatchStatusResponse.getDefaultInstance()))
              .setSchemaDescriptor(new VerifyServiceMethodDescriptorSupplier("WatchStatus"))
              .build();
        }
      }
    }
    return getWatchStatusMethod;
  }

  /**
   * Creates a new async stub that supports all call types for the service
   */
  public static VerifyServiceStub newStub(io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<VerifyServiceStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<VerifyServiceStub>() {
        @java.lang.Override
        public VerifyServiceStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new VerifyServiceStub(channel, callOptions);
        }
      };
    return VerifyServiceStub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports all types of calls on the service
   */
  public static VerifyServiceBlockingV2Stub newBlockingV2Stub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<VerifyServiceBlockingV2Stub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<VerifyServiceBlockingV2Stub>() {
        @java.lang.Override
        public VerifyServiceBlockingV2Stub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new VerifyServiceBlockingV2Stub(channel, callOptions);
        }
      };
    return VerifyServiceBlockingV2Stub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports unary and streaming output calls on the service
   */
  public static VerifyServiceBlockingStub newBlockingStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<VerifyServiceBlockingStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<VerifyServiceBlockingStub>() {
        @java.lang.Override
        public VerifyServiceBlockingStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new VerifyServiceBlockingStub(channel, callOptions);
        }
      };
    return VerifyServiceBlockingStub.newStub(factory, channel);
  }

  /**
   * Creates a new ListenableFuture-style stub that supports unary calls on the service
   */
  public static VerifyServiceFutureStub newFutureStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<VerifyServiceFutureStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<VerifyServiceFutureStub>() {
        @java.lang.Override
        public VerifyServiceFutureStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new VerifyServiceFutureStub(channel, callOptions);
        }
      };
    return VerifyServiceFutureStub.newStub(factory, channel);
  }

  /**
   * <pre>
   * VerifyService sends one-time codes to people and checks the codes they type.
   * Every call carries two metadata entries: `authorization: Bearer &lt;api key&gt;` and
   * `x-tenant-id: &lt;tenant&gt;`. A missing or wrong key is UNAUTHENTICATED. A verification
   * that belongs to another tenant is NOT_FOUND, exactly like one that does not exist.
   * Errors follow AIP-193: every error carries a `google.rpc.ErrorInfo` with domain
   * `verifyd` and an UPPER_SNAKE reason (for example `VALIDATION_FAILED`,
   * `INVALID_CHANNEL`, `NOT_FOUND`, `UNAUTHENTICATED`, `SHUTTING_DOWN`), and field
   * problems add a `google.rpc.BadRequest` whose field paths look like
   * `routing_strategy[2].timeout_sec`.
   * Limits and defences (each tenant's, set through AdminService's TenantLimits):
   * - RESOURCE_EXHAUSTED with a `google.rpc.RetryInfo` holding the real time to wait,
   *   and reason `RATE_LIMITED` (too many starts for one phone number or email address
   *   in the last hour), `TOO_MANY_IN_DELIVERY` (too many verifications of the tenant
   *   still being delivered; a slot frees whenever one of them finishes, which nobody
   *   knows in advance, so its RetryInfo is a 1 s polling hint), `SPEND_CAP_REACHED` (the tenant's daily spend cap, until
   *   midnight UTC), `PREFIX_BLOCKED` (the number's prefix is blocked for SMS pumping),
   *   `TOO_MANY_FAILED_CHECKS` (CheckCode: too many consecutive wrong codes for the
   *   destination), or `TOO_MANY_BAD_CREDENTIALS` (the client address sent too many
   *   invalid keys; every call from it is refused for a while).
   * - FAILED_PRECONDITION with a `google.rpc.PreconditionFailure` and reason
   *   `NUMBER_TYPE_NOT_ALLOWED` (a premium-rate, shared-cost, toll-free, UAN, pager or
   *   voicemail number, by default) or `COUNTRY_NOT_ALLOWED` (a channel's geo
   *   permissions exclude the number's country), or `CHANNEL_NOT_CONFIGURED` (the
   *   server runs with a delivery config that gives a step's channel no provider; the
   *   subject is `routing_strategy[i].channel`). Nothing is sent.
   * - PERMISSION_DENIED with reason `INSUFFICIENT_SCOPE`: a `read` key (GetVerification
   *   and WatchStatus only) called another method.
   * Overload and hostile input (each node's, set by its flags):
   * - RESOURCE_EXHAUSTED with a `google.rpc.RetryInfo` and reason `OVERLOADED`: the
   *   node has as many StartVerification and CheckCode calls in flight, or codes
   *   waiting to be hashed, as it takes; retry after the delay (another node may have
   *   room). Nothing was done. GetVerification, CancelVerification and WatchStatus are
   *   never refused this way.
   * - RESOURCE_EXHAUSTED with reason `TOO_MANY_WATCHERS`: the tenant holds as many
   *   WatchStatus streams on this node as it may; close one first.
   * - INVALID_ARGUMENT with reason `MALFORMED_REQUEST`: the body is not valid protobuf
   *   for the method. A request larger than the node's limit (64 KiB by default) is
   *   refused before it is read, with OUT_OF_RANGE.
   * </pre>
   */
  public interface AsyncService {

    /**
     * <pre>
     * Creates a verification and starts delivering its code along the routing strategy.
     * The verification is durable before anything is sent. The call returns once the
     * first step was handed to its channel (or refused), so the response shows that
     * step's real status. A retry with the same `request_id` returns the first
     * verification and sends nothing again.
     * </pre>
     */
    default void startVerification(dev.verifyd.v1.StartVerificationRequest request,
        io.grpc.stub.StreamObserver<dev.verifyd.v1.StartVerificationResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getStartVerificationMethod(), responseObserver);
    }

    /**
     * <pre>
     * Checks a code typed by a person. A wrong code is a result, not an error.
     * </pre>
     */
    default void checkCode(dev.verifyd.v1.CheckCodeRequest request,
        io.grpc.stub.StreamObserver<dev.verifyd.v1.CheckCodeResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getCheckCodeMethod(), responseObserver);
    }

    /**
     * <pre>
     * Returns the full record of one verification.
     * </pre>
     */
    default void getVerification(dev.verifyd.v1.GetVerificationRequest request,
        io.grpc.stub.StreamObserver<dev.verifyd.v1.GetVerificationResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetVerificationMethod(), responseObserver);
    }

    /**
     * <pre>
     * Stops delivery, invalidates the code and moves the verification to CANCELED.
     * Canceling a verification that is no longer pending is FAILED_PRECONDITION with reason
     * NOT_PENDING.
     * </pre>
     */
    default void cancelVerification(dev.verifyd.v1.CancelVerificationRequest request,
        io.grpc.stub.StreamObserver<dev.verifyd.v1.CancelVerificationResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getCancelVerificationMethod(), responseObserver);
    }

    /**
     * <pre>
     * Streams status transitions. The first message is always a snapshot; every
     * transition follows in order. See WatchStatusRequest for both modes and the policy
     * for watchers that read too slowly.
     * </pre>
     */
    default void watchStatus(dev.verifyd.v1.WatchStatusRequest request,
        io.grpc.stub.StreamObserver<dev.verifyd.v1.WatchStatusResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getWatchStatusMethod(), responseObserver);
    }
  }

  /**
   * Base class for the server implementation of the service VerifyService.
   * <pre>
   * VerifyService sends one-time codes to people and checks the codes they type.
   * Every call carries two metadata entries: `authorization: Bearer &lt;api key&gt;` and
   * `x-tenant-id: &lt;tenant&gt;`. A missing or wrong key is UNAUTHENTICATED. A verification
   * that belongs to another tenant is NOT_FOUND, exactly like one that does not exist.
   * Errors follow AIP-193: every error carries a `google.rpc.ErrorInfo` with domain
   * `verifyd` and an UPPER_SNAKE reason (for example `VALIDATION_FAILED`,
   * `INVALID_CHANNEL`, `NOT_FOUND`, `UNAUTHENTICATED`, `SHUTTING_DOWN`), and field
   * problems add a `google.rpc.BadRequest` whose field paths look like
   * `routing_strategy[2].timeout_sec`.
   * Limits and defences (each tenant's, set through AdminService's TenantLimits):
   * - RESOURCE_EXHAUSTED with a `google.rpc.RetryInfo` holding the real time to wait,
   *   and reason `RATE_LIMITED` (too many starts for one phone number or email address
   *   in the last hour), `TOO_MANY_IN_DELIVERY` (too many verifications of the tenant
   *   still being delivered; a slot frees whenever one of them finishes, which nobody
   *   knows in advance, so its RetryInfo is a 1 s polling hint), `SPEND_CAP_REACHED` (the tenant's daily spend cap, until
   *   midnight UTC), `PREFIX_BLOCKED` (the number's prefix is blocked for SMS pumping),
   *   `TOO_MANY_FAILED_CHECKS` (CheckCode: too many consecutive wrong codes for the
   *   destination), or `TOO_MANY_BAD_CREDENTIALS` (the client address sent too many
   *   invalid keys; every call from it is refused for a while).
   * - FAILED_PRECONDITION with a `google.rpc.PreconditionFailure` and reason
   *   `NUMBER_TYPE_NOT_ALLOWED` (a premium-rate, shared-cost, toll-free, UAN, pager or
   *   voicemail number, by default) or `COUNTRY_NOT_ALLOWED` (a channel's geo
   *   permissions exclude the number's country), or `CHANNEL_NOT_CONFIGURED` (the
   *   server runs with a delivery config that gives a step's channel no provider; the
   *   subject is `routing_strategy[i].channel`). Nothing is sent.
   * - PERMISSION_DENIED with reason `INSUFFICIENT_SCOPE`: a `read` key (GetVerification
   *   and WatchStatus only) called another method.
   * Overload and hostile input (each node's, set by its flags):
   * - RESOURCE_EXHAUSTED with a `google.rpc.RetryInfo` and reason `OVERLOADED`: the
   *   node has as many StartVerification and CheckCode calls in flight, or codes
   *   waiting to be hashed, as it takes; retry after the delay (another node may have
   *   room). Nothing was done. GetVerification, CancelVerification and WatchStatus are
   *   never refused this way.
   * - RESOURCE_EXHAUSTED with reason `TOO_MANY_WATCHERS`: the tenant holds as many
   *   WatchStatus streams on this node as it may; close one first.
   * - INVALID_ARGUMENT with reason `MALFORMED_REQUEST`: the body is not valid protobuf
   *   for the method. A request larger than the node's limit (64 KiB by default) is
   *   refused before it is read, with OUT_OF_RANGE.
   * </pre>
   */
  public static abstract class VerifyServiceImplBase
      implements io.grpc.BindableService, AsyncService {

    @java.lang.Override public final io.grpc.ServerServiceDefinition bindService() {
      return VerifyServiceGrpc.bindService(this);
    }
  }

  /**
   * A stub to allow clients to do asynchronous rpc calls to service VerifyService.
   * <pre>
   * VerifyService sends one-time codes to people and checks the codes they type.
   * Every call carries two metadata entries: `authorization: Bearer &lt;api key&gt;` and
   * `x-tenant-id: &lt;tenant&gt;`. A missing or wrong key is UNAUTHENTICATED. A verification
   * that belongs to another tenant is NOT_FOUND, exactly like one that does not exist.
   * Errors follow AIP-193: every error carries a `google.rpc.ErrorInfo` with domain
   * `verifyd` and an UPPER_SNAKE reason (for example `VALIDATION_FAILED`,
   * `INVALID_CHANNEL`, `NOT_FOUND`, `UNAUTHENTICATED`, `SHUTTING_DOWN`), and field
   * problems add a `google.rpc.BadRequest` whose field paths look like
   * `routing_strategy[2].timeout_sec`.
   * Limits and defences (each tenant's, set through AdminService's TenantLimits):
   * - RESOURCE_EXHAUSTED with a `google.rpc.RetryInfo` holding the real time to wait,
   *   and reason `RATE_LIMITED` (too many starts for one phone number or email address
   *   in the last hour), `TOO_MANY_IN_DELIVERY` (too many verifications of the tenant
   *   still being delivered; a slot frees whenever one of them finishes, which nobody
   *   knows in advance, so its RetryInfo is a 1 s polling hint), `SPEND_CAP_REACHED` (the tenant's daily spend cap, until
   *   midnight UTC), `PREFIX_BLOCKED` (the number's prefix is blocked for SMS pumping),
   *   `TOO_MANY_FAILED_CHECKS` (CheckCode: too many consecutive wrong codes for the
   *   destination), or `TOO_MANY_BAD_CREDENTIALS` (the client address sent too many
   *   invalid keys; every call from it is refused for a while).
   * - FAILED_PRECONDITION with a `google.rpc.PreconditionFailure` and reason
   *   `NUMBER_TYPE_NOT_ALLOWED` (a premium-rate, shared-cost, toll-free, UAN, pager or
   *   voicemail number, by default) or `COUNTRY_NOT_ALLOWED` (a channel's geo
   *   permissions exclude the number's country), or `CHANNEL_NOT_CONFIGURED` (the
   *   server runs with a delivery config that gives a step's channel no provider; the
   *   subject is `routing_strategy[i].channel`). Nothing is sent.
   * - PERMISSION_DENIED with reason `INSUFFICIENT_SCOPE`: a `read` key (GetVerification
   *   and WatchStatus only) called another method.
   * Overload and hostile input (each node's, set by its flags):
   * - RESOURCE_EXHAUSTED with a `google.rpc.RetryInfo` and reason `OVERLOADED`: the
   *   node has as many StartVerification and CheckCode calls in flight, or codes
   *   waiting to be hashed, as it takes; retry after the delay (another node may have
   *   room). Nothing was done. GetVerification, CancelVerification and WatchStatus are
   *   never refused this way.
   * - RESOURCE_EXHAUSTED with reason `TOO_MANY_WATCHERS`: the tenant holds as many
   *   WatchStatus streams on this node as it may; close one first.
   * - INVALID_ARGUMENT with reason `MALFORMED_REQUEST`: the body is not valid protobuf
   *   for the method. A request larger than the node's limit (64 KiB by default) is
   *   refused before it is read, with OUT_OF_RANGE.
   * </pre>
   */
  public static final class VerifyServiceStub
      extends io.grpc.stub.AbstractAsyncStub<VerifyServiceStub> {
    private VerifyServiceStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected VerifyServiceStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new VerifyServiceStub(channel, callOptions);
    }

    /**
     * <pre>
     * Creates a verification and starts delivering its code along the routing strategy.
     * The verification is durable before anything is sent. The call returns once the
     * first step was handed to its channel (or refused), so the response shows that
     * step's real status. A retry with the same `request_id` returns the first
     * verification and sends nothing again.
     * </pre>
     */
    public void startVerification(dev.verifyd.v1.StartVerificationRequest request,
        io.grpc.stub.StreamObserver<dev.verifyd.v1.StartVerificationResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getStartVerificationMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Checks a code typed by a person. A wrong code is a result, not an error.
     * </pre>
     */
    public void checkCode(dev.verifyd.v1.CheckCodeRequest request,
        io.grpc.stub.StreamObserver<dev.verifyd.v1.CheckCodeResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getCheckCodeMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Returns the full record of one verification.
     * </pre>
     */
    public void getVerification(dev.verifyd.v1.GetVerificationRequest request,
        io.grpc.stub.StreamObserver<dev.verifyd.v1.GetVerificationResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetVerificationMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Stops delivery, invalidates the code and moves the verification to CANCELED.
     * Canceling a verification that is no longer pending is FAILED_PRECONDITION with reason
     * NOT_PENDING.
     * </pre>
     */
    public void cancelVerification(dev.verifyd.v1.CancelVerificationRequest request,
        io.grpc.stub.StreamObserver<dev.verifyd.v1.CancelVerificationResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getCancelVerificationMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Streams status transitions. The first message is always a snapshot; every
     * transition follows in order. See WatchStatusRequest for both modes and the policy
     * for watchers that read too slowly.
     * </pre>
     */
    public void watchStatus(dev.verifyd.v1.WatchStatusRequest request,
        io.grpc.stub.StreamObserver<dev.verifyd.v1.WatchStatusResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncServerStreamingCall(
          getChannel().newCall(getWatchStatusMethod(), getCallOptions()), request, responseObserver);
    }
  }

  /**
   * A stub to allow clients to do synchronous rpc calls to service VerifyService.
   * <pre>
   * VerifyService sends one-time codes to people and checks the codes they type.
   * Every call carries two metadata entries: `authorization: Bearer &lt;api key&gt;` and
   * `x-tenant-id: &lt;tenant&gt;`. A missing or wrong key is UNAUTHENTICATED. A verification
   * that belongs to another tenant is NOT_FOUND, exactly like one that does not exist.
   * Errors follow AIP-193: every error carries a `google.rpc.ErrorInfo` with domain
   * `verifyd` and an UPPER_SNAKE reason (for example `VALIDATION_FAILED`,
   * `INVALID_CHANNEL`, `NOT_FOUND`, `UNAUTHENTICATED`, `SHUTTING_DOWN`), and field
   * problems add a `google.rpc.BadRequest` whose field paths look like
   * `routing_strategy[2].timeout_sec`.
   * Limits and defences (each tenant's, set through AdminService's TenantLimits):
   * - RESOURCE_EXHAUSTED with a `google.rpc.RetryInfo` holding the real time to wait,
   *   and reason `RATE_LIMITED` (too many starts for one phone number or email address
   *   in the last hour), `TOO_MANY_IN_DELIVERY` (too many verifications of the tenant
   *   still being delivered; a slot frees whenever one of them finishes, which nobody
   *   knows in advance, so its RetryInfo is a 1 s polling hint), `SPEND_CAP_REACHED` (the tenant's daily spend cap, until
   *   midnight UTC), `PREFIX_BLOCKED` (the number's prefix is blocked for SMS pumping),
   *   `TOO_MANY_FAILED_CHECKS` (CheckCode: too many consecutive wrong codes for the
   *   destination), or `TOO_MANY_BAD_CREDENTIALS` (the client address sent too many
   *   invalid keys; every call from it is refused for a while).
   * - FAILED_PRECONDITION with a `google.rpc.PreconditionFailure` and reason
   *   `NUMBER_TYPE_NOT_ALLOWED` (a premium-rate, shared-cost, toll-free, UAN, pager or
   *   voicemail number, by default) or `COUNTRY_NOT_ALLOWED` (a channel's geo
   *   permissions exclude the number's country), or `CHANNEL_NOT_CONFIGURED` (the
   *   server runs with a delivery config that gives a step's channel no provider; the
   *   subject is `routing_strategy[i].channel`). Nothing is sent.
   * - PERMISSION_DENIED with reason `INSUFFICIENT_SCOPE`: a `read` key (GetVerification
   *   and WatchStatus only) called another method.
   * Overload and hostile input (each node's, set by its flags):
   * - RESOURCE_EXHAUSTED with a `google.rpc.RetryInfo` and reason `OVERLOADED`: the
   *   node has as many StartVerification and CheckCode calls in flight, or codes
   *   waiting to be hashed, as it takes; retry after the delay (another node may have
   *   room). Nothing was done. GetVerification, CancelVerification and WatchStatus are
   *   never refused this way.
   * - RESOURCE_EXHAUSTED with reason `TOO_MANY_WATCHERS`: the tenant holds as many
   *   WatchStatus streams on this node as it may; close one first.
   * - INVALID_ARGUMENT with reason `MALFORMED_REQUEST`: the body is not valid protobuf
   *   for the method. A request larger than the node's limit (64 KiB by default) is
   *   refused before it is read, with OUT_OF_RANGE.
   * </pre>
   */
  public static final class VerifyServiceBlockingV2Stub
      extends io.grpc.stub.AbstractBlockingStub<VerifyServiceBlockingV2Stub> {
    private VerifyServiceBlockingV2Stub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected VerifyServiceBlockingV2Stub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new VerifyServiceBlockingV2Stub(channel, callOptions);
    }

    /**
     * <pre>
     * Creates a verification and starts delivering its code along the routing strategy.
     * The verification is durable before anything is sent. The call returns once the
     * first step was handed to its channel (or refused), so the response shows that
     * step's real status. A retry with the same `request_id` returns the first
     * verification and sends nothing again.
     * </pre>
     */
    public dev.verifyd.v1.StartVerificationResponse startVerification(dev.verifyd.v1.StartVerificationRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getStartVerificationMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Checks a code typed by a person. A wrong code is a result, not an error.
     * </pre>
     */
    public dev.verifyd.v1.CheckCodeResponse checkCode(dev.verifyd.v1.CheckCodeRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getCheckCodeMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Returns the full record of one verification.
     * </pre>
     */
    public dev.verifyd.v1.GetVerificationResponse getVerification(dev.verifyd.v1.GetVerificationRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getGetVerificationMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Stops delivery, invalidates the code and moves the verification to CANCELED.
     * Canceling a verification that is no longer pending is FAILED_PRECONDITION with reason
     * NOT_PENDING.
     * </pre>
     */
    public dev.verifyd.v1.CancelVerificationResponse cancelVerification(dev.verifyd.v1.CancelVerificationRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getCancelVerificationMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Streams status transitions. The first message is always a snapshot; every
     * transition follows in order. See WatchStatusRequest for both modes and the policy
     * for watchers that read too slowly.
     * </pre>
     */
    @io.grpc.ExperimentalApi("https://github.com/grpc/grpc-java/issues/10918")
    public io.grpc.stub.BlockingClientCall<?, dev.verifyd.v1.WatchStatusResponse>
        watchStatus(dev.verifyd.v1.WatchStatusRequest request) {
      return io.grpc.stub.ClientCalls.blockingV2ServerStreamingCall(
          getChannel(), getWatchStatusMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do limited synchronous rpc calls to service VerifyService.
   * <pre>
   * VerifyService sends one-time codes to people and checks the codes they type.
   * Every call carries two metadata entries: `authorization: Bearer &lt;api key&gt;` and
   * `x-tenant-id: &lt;tenant&gt;`. A missing or wrong key is UNAUTHENTICATED. A verification
   * that belongs to another tenant is NOT_FOUND, exactly like one that does not exist.
   * Errors follow AIP-193: every error carries a `google.rpc.ErrorInfo` with domain
   * `verifyd` and an UPPER_SNAKE reason (for example `VALIDATION_FAILED`,
   * `INVALID_CHANNEL`, `NOT_FOUND`, `UNAUTHENTICATED`, `SHUTTING_DOWN`), and field
   * problems add a `google.rpc.BadRequest` whose field paths look like
   * `routing_strategy[2].timeout_sec`.
   * Limits and defences (each tenant's, set through AdminService's TenantLimits):
   * - RESOURCE_EXHAUSTED with a `google.rpc.RetryInfo` holding the real time to wait,
   *   and reason `RATE_LIMITED` (too many starts for one phone number or email address
   *   in the last hour), `TOO_MANY_IN_DELIVERY` (too many verifications of the tenant
   *   still being delivered; a slot frees whenever one of them finishes, which nobody
   *   knows in advance, so its RetryInfo is a 1 s polling hint), `SPEND_CAP_REACHED` (the tenant's daily spend cap, until
   *   midnight UTC), `PREFIX_BLOCKED` (the number's prefix is blocked for SMS pumping),
   *   `TOO_MANY_FAILED_CHECKS` (CheckCode: too many consecutive wrong codes for the
   *   destination), or `TOO_MANY_BAD_CREDENTIALS` (the client address sent too many
   *   invalid keys; every call from it is refused for a while).
   * - FAILED_PRECONDITION with a `google.rpc.PreconditionFailure` and reason
   *   `NUMBER_TYPE_NOT_ALLOWED` (a premium-rate, shared-cost, toll-free, UAN, pager or
   *   voicemail number, by default) or `COUNTRY_NOT_ALLOWED` (a channel's geo
   *   permissions exclude the number's country), or `CHANNEL_NOT_CONFIGURED` (the
   *   server runs with a delivery config that gives a step's channel no provider; the
   *   subject is `routing_strategy[i].channel`). Nothing is sent.
   * - PERMISSION_DENIED with reason `INSUFFICIENT_SCOPE`: a `read` key (GetVerification
   *   and WatchStatus only) called another method.
   * Overload and hostile input (each node's, set by its flags):
   * - RESOURCE_EXHAUSTED with a `google.rpc.RetryInfo` and reason `OVERLOADED`: the
   *   node has as many StartVerification and CheckCode calls in flight, or codes
   *   waiting to be hashed, as it takes; retry after the delay (another node may have
   *   room). Nothing was done. GetVerification, CancelVerification and WatchStatus are
   *   never refused this way.
   * - RESOURCE_EXHAUSTED with reason `TOO_MANY_WATCHERS`: the tenant holds as many
   *   WatchStatus streams on this node as it may; close one first.
   * - INVALID_ARGUMENT with reason `MALFORMED_REQUEST`: the body is not valid protobuf
   *   for the method. A request larger than the node's limit (64 KiB by default) is
   *   refused before it is read, with OUT_OF_RANGE.
   * </pre>
   */
  public static final class VerifyServiceBlockingStub
      extends io.grpc.stub.AbstractBlockingStub<VerifyServiceBlockingStub> {
    private VerifyServiceBlockingStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected VerifyServiceBlockingStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new VerifyServiceBlockingStub(channel, callOptions);
    }

    /**
     * <pre>
     * Creates a verification and starts delivering its code along the routing strategy.
     * The verification is durable before anything is sent. The call returns once the
     * first step was handed to its channel (or refused), so the response shows that
     * step's real status. A retry with the same `request_id` returns the first
     * verification and sends nothing again.
     * </pre>
     */
    public dev.verifyd.v1.StartVerificationResponse startVerification(dev.verifyd.v1.StartVerificationRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getStartVerificationMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Checks a code typed by a person. A wrong code is a result, not an error.
     * </pre>
     */
    public dev.verifyd.v1.CheckCodeResponse checkCode(dev.verifyd.v1.CheckCodeRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getCheckCodeMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Returns the full record of one verification.
     * </pre>
     */
    public dev.verifyd.v1.GetVerificationResponse getVerification(dev.verifyd.v1.GetVerificationRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetVerificationMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Stops delivery, invalidates the code and moves the verification to CANCELED.
     * Canceling a verification that is no longer pending is FAILED_PRECONDITION with reason
     * NOT_PENDING.
     * </pre>
     */
    public dev.verifyd.v1.CancelVerificationResponse cancelVerification(dev.verifyd.v1.CancelVerificationRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getCancelVerificationMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Streams status transitions. The first message is always a snapshot; every
     * transition follows in order. See WatchStatusRequest for both modes and the policy
     * for watchers that read too slowly.
     * </pre>
     */
    public java.util.Iterator<dev.verifyd.v1.WatchStatusResponse> watchStatus(
        dev.verifyd.v1.WatchStatusRequest request) {
      return io.grpc.stub.ClientCalls.blockingServerStreamingCall(
          getChannel(), getWatchStatusMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do ListenableFuture-style rpc calls to service VerifyService.
   * <pre>
   * VerifyService sends one-time codes to people and checks the codes they type.
   * Every call carries two metadata entries: `authorization: Bearer &lt;api key&gt;` and
   * `x-tenant-id: &lt;tenant&gt;`. A missing or wrong key is UNAUTHENTICATED. A verification
   * that belongs to another tenant is NOT_FOUND, exactly like one that does not exist.
   * Errors follow AIP-193: every error carries a `google.rpc.ErrorInfo` with domain
   * `verifyd` and an UPPER_SNAKE reason (for example `VALIDATION_FAILED`,
   * `INVALID_CHANNEL`, `NOT_FOUND`, `UNAUTHENTICATED`, `SHUTTING_DOWN`), and field
   * problems add a `google.rpc.BadRequest` whose field paths look like
   * `routing_strategy[2].timeout_sec`.
   * Limits and defences (each tenant's, set through AdminService's TenantLimits):
   * - RESOURCE_EXHAUSTED with a `google.rpc.RetryInfo` holding the real time to wait,
   *   and reason `RATE_LIMITED` (too many starts for one phone number or email address
   *   in the last hour), `TOO_MANY_IN_DELIVERY` (too many verifications of the tenant
   *   still being delivered; a slot frees whenever one of them finishes, which nobody
   *   knows in advance, so its RetryInfo is a 1 s polling hint), `SPEND_CAP_REACHED` (the tenant's daily spend cap, until
   *   midnight UTC), `PREFIX_BLOCKED` (the number's prefix is blocked for SMS pumping),
   *   `TOO_MANY_FAILED_CHECKS` (CheckCode: too many consecutive wrong codes for the
   *   destination), or `TOO_MANY_BAD_CREDENTIALS` (the client address sent too many
   *   invalid keys; every call from it is refused for a while).
   * - FAILED_PRECONDITION with a `google.rpc.PreconditionFailure` and reason
   *   `NUMBER_TYPE_NOT_ALLOWED` (a premium-rate, shared-cost, toll-free, UAN, pager or
   *   voicemail number, by default) or `COUNTRY_NOT_ALLOWED` (a channel's geo
   *   permissions exclude the number's country), or `CHANNEL_NOT_CONFIGURED` (the
   *   server runs with a delivery config that gives a step's channel no provider; the
   *   subject is `routing_strategy[i].channel`). Nothing is sent.
   * - PERMISSION_DENIED with reason `INSUFFICIENT_SCOPE`: a `read` key (GetVerification
   *   and WatchStatus only) called another method.
   * Overload and hostile input (each node's, set by its flags):
   * - RESOURCE_EXHAUSTED with a `google.rpc.RetryInfo` and reason `OVERLOADED`: the
   *   node has as many StartVerification and CheckCode calls in flight, or codes
   *   waiting to be hashed, as it takes; retry after the delay (another node may have
   *   room). Nothing was done. GetVerification, CancelVerification and WatchStatus are
   *   never refused this way.
   * - RESOURCE_EXHAUSTED with reason `TOO_MANY_WATCHERS`: the tenant holds as many
   *   WatchStatus streams on this node as it may; close one first.
   * - INVALID_ARGUMENT with reason `MALFORMED_REQUEST`: the body is not valid protobuf
   *   for the method. A request larger than the node's limit (64 KiB by default) is
   *   refused before it is read, with OUT_OF_RANGE.
   * </pre>
   */
  public static final class VerifyServiceFutureStub
      extends io.grpc.stub.AbstractFutureStub<VerifyServiceFutureStub> {
    private VerifyServiceFutureStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected VerifyServiceFutureStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new VerifyServiceFutureStub(channel, callOptions);
    }

    /**
     * <pre>
     * Creates a verification and starts delivering its code along the routing strategy.
     * The verification is durable before anything is sent. The call returns once the
     * first step was handed to its channel (or refused), so the response shows that
     * step's real status. A retry with the same `request_id` returns the first
     * verification and sends nothing again.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.verifyd.v1.StartVerificationResponse> startVerification(
        dev.verifyd.v1.StartVerificationRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getStartVerificationMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Checks a code typed by a person. A wrong code is a result, not an error.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.verifyd.v1.CheckCodeResponse> checkCode(
        dev.verifyd.v1.CheckCodeRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getCheckCodeMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Returns the full record of one verification.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.verifyd.v1.GetVerificationResponse> getVerification(
        dev.verifyd.v1.GetVerificationRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetVerificationMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Stops delivery, invalidates the code and moves the verification to CANCELED.
     * Canceling a verification that is no longer pending is FAILED_PRECONDITION with reason
     * NOT_PENDING.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.verifyd.v1.CancelVerificationResponse> cancelVerification(
        dev.verifyd.v1.CancelVerificationRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getCancelVerificationMethod(), getCallOptions()), request);
    }
  }

  private static final int METHODID_START_VERIFICATION = 0;
  private static final int METHODID_CHECK_CODE = 1;
  private static final int METHODID_GET_VERIFICATION = 2;
  private static final int METHODID_CANCEL_VERIFICATION = 3;
  private static final int METHODID_WATCH_STATUS = 4;

  private static final class MethodHandlers<Req, Resp> implements
      io.grpc.stub.ServerCalls.UnaryMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.ServerStreamingMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.ClientStreamingMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.BidiStreamingMethod<Req, Resp> {
    private final AsyncService serviceImpl;
    private final int methodId;

    MethodHandlers(AsyncService serviceImpl, int methodId) {
      this.serviceImpl = serviceImpl;
      this.methodId = methodId;
    }

    @java.lang.Override
    @java.lang.SuppressWarnings("unchecked")
    public void invoke(Req request, io.grpc.stub.StreamObserver<Resp> responseObserver) {
      switch (methodId) {
        case METHODID_START_VERIFICATION:
          serviceImpl.startVerification((dev.verifyd.v1.StartVerificationRequest) request,
              (io.grpc.stub.StreamObserver<dev.verifyd.v1.StartVerificationResponse>) responseObserver);
          break;
        case METHODID_CHECK_CODE:
          serviceImpl.checkCode((dev.verifyd.v1.CheckCodeRequest) request,
              (io.grpc.stub.StreamObserver<dev.verifyd.v1.CheckCodeResponse>) responseObserver);
          break;
        case METHODID_GET_VERIFICATION:
          serviceImpl.getVerification((dev.verifyd.v1.GetVerificationRequest) request,
              (io.grpc.stub.StreamObserver<dev.verifyd.v1.GetVerificationResponse>) responseObserver);
          break;
        case METHODID_CANCEL_VERIFICATION:
          serviceImpl.cancelVerification((dev.verifyd.v1.CancelVerificationRequest) request,
              (io.grpc.stub.StreamObserver<dev.verifyd.v1.CancelVerificationResponse>) responseObserver);
          break;
        case METHODID_WATCH_STATUS:
          serviceImpl.watchStatus((dev.verifyd.v1.WatchStatusRequest) request,
              (io.grpc.stub.StreamObserver<dev.verifyd.v1.WatchStatusResponse>) responseObserver);
          break;
        default:
          throw new AssertionError();
      }
    }

    @java.lang.Override
    @java.lang.SuppressWarnings("unchecked")
    public io.grpc.stub.StreamObserver<Req> invoke(
        io.grpc.stub.StreamObserver<Resp> responseObserver) {
      switch (methodId) {
        default:
          throw new AssertionError();
      }
    }
  }

  public static final io.grpc.ServerServiceDefinition bindService(AsyncService service) {
    return io.grpc.ServerServiceDefinition.builder(getServiceDescriptor())
        .addMethod(
          getStartVerificationMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.verifyd.v1.StartVerificationRequest,
              dev.verifyd.v1.StartVerificationResponse>(
                service, METHODID_START_VERIFICATION)))
        .addMethod(
          getCheckCodeMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.verifyd.v1.CheckCodeRequest,
              dev.verifyd.v1.CheckCodeResponse>(
                service, METHODID_CHECK_CODE)))
        .addMethod(
          getGetVerificationMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.verifyd.v1.GetVerificationRequest,
              dev.verifyd.v1.GetVerificationResponse>(
                service, METHODID_GET_VERIFICATION)))
        .addMethod(
          getCancelVerificationMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.verifyd.v1.CancelVerificationRequest,
              dev.verifyd.v1.CancelVerificationResponse>(
                service, METHODID_CANCEL_VERIFICATION)))
        .addMethod(
          getWatchStatusMethod(),
          io.grpc.stub.ServerCalls.asyncServerStreamingCall(
            new MethodHandlers<
              dev.verifyd.v1.WatchStatusRequest,
              dev.verifyd.v1.WatchStatusResponse>(
                service, METHODID_WATCH_STATUS)))
        .build();
  }

  private static abstract class VerifyServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoFileDescriptorSupplier, io.grpc.protobuf.ProtoServiceDescriptorSupplier {
    VerifyServiceBaseDescriptorSupplier() {}

    @java.lang.Override
    public com.google.protobuf.Descriptors.FileDescriptor getFileDescriptor() {
      return dev.verifyd.v1.VerifyProto.getDescriptor();
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.ServiceDescriptor getServiceDescriptor() {
      return getFileDescriptor().findServiceByName("VerifyService");
    }
  }

  private static final class VerifyServiceFileDescriptorSupplier
      extends VerifyServiceBaseDescriptorSupplier {
    VerifyServiceFileDescriptorSupplier() {}
  }

  private static final class VerifyServiceMethodDescriptorSupplier
      extends VerifyServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoMethodDescriptorSupplier {
    private final java.lang.String methodName;

    VerifyServiceMethodDescriptorSupplier(java.lang.String methodName) {
      this.methodName = methodName;
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.MethodDescriptor getMethodDescriptor() {
      return getServiceDescriptor().findMethodByName(methodName);
    }
  }

  private static volatile io.grpc.ServiceDescriptor serviceDescriptor;

  public static io.grpc.ServiceDescriptor getServiceDescriptor() {
    io.grpc.ServiceDescriptor result = serviceDescriptor;
    if (result == null) {
      synchronized (VerifyServiceGrpc.class) {
        result = serviceDescriptor;
        if (result == null) {
          serviceDescriptor = result = io.grpc.ServiceDescriptor.newBuilder(SERVICE_NAME)
              .setSchemaDescriptor(new VerifyServiceFileDescriptorSupplier())
              .addMethod(getStartVerificationMethod())
              .addMethod(getCheckCodeMethod())
              .addMethod(getGetVerificationMethod())
              .addMethod(getCancelVerificationMethod())
              .addMethod(getWatchStatusMethod())
              .build();
        }
      }
    }
    return result;
  }
}
