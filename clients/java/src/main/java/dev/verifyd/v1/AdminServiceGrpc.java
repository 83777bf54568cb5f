package dev.verifyd.v1;

import static io.grpc.MethodDescriptor.generateFullMethodName;

/**
 * <pre>
 * AdminService manages tenants, their settings and their API keys, and reads the
 * sandbox outbox. Every call carries `authorization: Bearer &lt;admin token&gt;`; a missing
 * or wrong token is UNAUTHENTICATED.
 * </pre>
 */
@io.grpc.stub.annotations.GrpcGenerated
public final class AdminServiceGrpc {

  private AdminServiceGrpc() {}

  public static final java.lang.String SERVICE_NAME = "verifyd.v1.AdminService";

  // Static method descriptors that strictly reflect the proto.
  private static volatile io.grpc.MethodDescriptor<dev.verifyd.v1.CreateTenantRequest,
      dev.verifyd.v1.CreateTenantResponse> getCreateTenantMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "CreateTenant",
      requestType = dev.verifyd.v1.CreateTenantRequest.class,
      responseType = dev.verifyd.v1.CreateTenantResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.verifyd.v1.CreateTenantRequest,
      dev.verifyd.v1.CreateTenantResponse> getCreateTenantMethod() {
    io.grpc.MethodDescriptor<dev.verifyd.v1.CreateTenantRequest, dev.verifyd.v1.CreateTenantResponse> getCreateTenantMethod;
    if ((getCreateTenantMethod = AdminServiceGrpc.getCreateTenantMethod) == null) {
      synchronized (AdminServiceGrpc.class) {
        if ((getCreateTenantMethod = AdminServiceGrpc.getCreateTenantMethod) == null) {
          AdminServiceGrpc.getCreateTenantMethod = getCreateTenantMethod =
              io.grpc.MethodDescriptor.<dev.verifyd.v1.CreateTenantRequest, dev.verifyd.v1.CreateTenantResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "CreateTenant"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.verifyd.v1.CreateTenantRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.verifyd.v1.CreateTenantResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AdminServiceMethodDescriptorSupplier("CreateTenant"))
              .build();
        }
      }
    }
    return getCreateTenantMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.verifyd.v1.GetTenantRequest,
      dev.verifyd.v1.GetTenantResponse> getGetTenantMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetTenant",
      requestType = dev.verifyd.v1.GetTenantRequest.class,
      responseType = dev.verifyd.v1.GetTenantResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.verifyd.v1.GetTenantRequest,
      dev.verifyd.v1.GetTenantResponse> getGetTenantMethod() {
    io.grpc.MethodDescriptor<dev.verifyd.v1.GetTenantRequest, dev.verifyd.v1.GetTenantResponse> getGetTenantMethod;
    if ((getGetTenantMethod = AdminServiceGrpc.getGetTenantMethod) == null) {
      synchronized (AdminServiceGrpc.class) {
        if ((getGetTenantMethod = AdminServiceGrpc.getGetTenantMethod) == null) {
          AdminServiceGrpc.getGetTenantMethod = getGetTenantMethod =
              io.grpc.MethodDescriptor.<dev.verifyd.v1.GetTenantRequest, dev.verifyd.v1.GetTenantResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetTenant"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.verifyd.v1.GetTenantRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.verifyd.v1.GetTenantResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AdminServiceMethodDescriptorSupplier("GetTenant"))
              .build();
        }
      }
    }
    return getGetTenantMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.verifyd.v1.ListTenantsRequest,
      dev.verifyd.v1.ListTenantsResponse> getListTenantsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListTenants",
      requestType = dev.verifyd.v1.ListTenantsRequest.class,
      responseType = dev.verifyd.v1.ListTenantsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.verifyd.v1.ListTenantsRequest,
      dev.verifyd.v1.ListTenantsResponse> getListTenantsMethod() {
    io.grpc.MethodDescriptor<dev.verifyd.v1.ListTenantsRequest, dev.verifyd.v1.ListTenantsResponse> getListTenantsMethod;
    if ((getListTenantsMethod = AdminServiceGrpc.getListTenantsMethod) == null) {
      synchronized (AdminServiceGrpc.class) {
        if ((getListTenantsMethod = AdminServiceGrpc.getListTenantsMethod) == null) {
          AdminServiceGrpc.getListTenantsMethod = getListTenantsMethod =
              io.grpc.MethodDescriptor.<dev.verifyd.v1.ListTenantsRequest, dev.verifyd.v1.ListTenantsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListTenants"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.verifyd.v1.ListTenantsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.verifyd.v1.ListTenantsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AdminServiceMethodDescriptorSupplier("ListTenants"))
              .build();
        }
      }
    }
    return getListTenantsMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.verifyd.v1.UpdateTenantSettingsRequest,
      dev.verifyd.v1.UpdateTenantSettingsResponse> getUpdateTenantSettingsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "UpdateTenantSettings",
      requestType = dev.verifyd.v1.UpdateTenantSettingsRequest.class,
      responseType = dev.verifyd.v1.UpdateTenantSettingsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.verifyd.v1.UpdateTenantSettingsRequest,
      dev.verifyd.v1.UpdateTenantSettingsResponse> getUpdateTenantSettingsMethod() {
    io.grpc.MethodDescriptor<dev.verifyd.v1.UpdateTenantSettingsRequest, dev.verifyd.v1.UpdateTenantSettingsResponse> getUpdateTenantSettingsMethod;
    if ((getUpdateTenantSettingsMethod = AdminServiceGrpc.getUpdateTenantSettingsMethod) == null) {
      synchronized (AdminServiceGrpc.class) {
        if ((getUpdateTenantSettingsMethod = AdminServiceGrpc.getUpdateTenantSettingsMethod) == null) {
          AdminServiceGrpc.getUpdateTenantSettingsMethod = getUpdateTenantSettingsMethod =
              io.grpc.MethodDescriptor.<dev.verifyd.v1.UpdateTenantSettingsRequest, dev.verifyd.v1.UpdateTenantSettingsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "UpdateTenantSettings"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.verifyd.v1.UpdateTenantSettingsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.verifyd.v1.UpdateTenantSettingsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AdminServiceMethodDescriptorSupplier("UpdateTenantSettings"))
              .build();
        }
      }
    }
    return getUpdateTenantSettingsMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.verifyd.v1.CreateApiKeyRequest,
      dev.verifyd.v1.CreateApiKeyResponse> getCreateApiKeyMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "CreateApiKey",
      requestType = dev.verifyd.v1.CreateApiKeyRequest.class,
      responseType = dev.verifyd.v1.CreateApiKeyResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.verifyd.v1.CreateApiKeyRequest,
      dev.verifyd.v1.CreateApiKeyResponse> getCreateApiKeyMethod() {
    io.grpc.MethodDescriptor<dev.verifyd.v1.CreateApiKeyRequest, dev.verifyd.v1.CreateApiKeyResponse> getCreateApiKeyMethod;
    if ((getCreateApiKeyMethod = AdminServiceGrpc.getCreateApiKeyMethod) == null) {
      synchronized (AdminServiceGrpc.class) {
        if ((getCreateApiKeyMethod = AdminServiceGrpc.getCreateApiKeyMethod) == null) {
          AdminServiceGrpc.getCreateApiKeyMethod = getCreateApiKeyMethod =
              io.grpc.MethodDescriptor.<dev.verifyd.v1.CreateApiKeyRequest, dev.verifyd.v1.CreateApiKeyResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "CreateApiKey"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.verifyd.v1.CreateApiKeyRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.verifyd.v1.CreateApiKeyResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AdminServiceMethodDescriptorSupplier("CreateApiKey"))
              .build();
        }
      }
    }
    return getCreateApiKeyMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.verifyd.v1.ListApiKeysRequest,
      dev.verifyd.v1.ListApiKeysResponse> getListApiKeysMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListApiKeys",
      requestType = dev.verifyd.v1.ListApiKeysRequest.class,
      responseType = dev.verifyd.v1.ListApiKeysResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.verifyd.v1.ListApiKeysRequest,
      dev.verifyd.v1.ListApiKeysResponse> getListApiKeysMethod() {
    io.grpc.MethodDescriptor<dev.verifyd.v1.ListApiKeysRequest, dev.verifyd.v1.ListApiKeysResponse> getListApiKeysMethod;
    if ((getListApiKeysMethod = AdminServiceGrpc.getListApiKeysMethod) == null) {
      synchronized (AdminServiceGrpc.class) {
        if ((getListApiKeysMethod = AdminServiceGrpc.getListApiKeysMethod) == null) {
          AdminServiceGrpc.getListApiKeysMethod = getListApiKeysMethod =
              io.grpc.MethodDescriptor.<dev.verifyd.v1.ListApiKeysRequest, dev.verifyd.v1.ListApiKeysResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListApiKeys"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.verifyd.v1.ListApiKeysRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.verifyd.v1.ListApiKeysResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AdminServiceMethodDescriptorSupplier("ListApiKeys"))
              .build();
        }
      }
    }
    return getListApiKeysMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.verifyd.v1.RevokeApiKeyRequest,
      dev.verifyd.v1.RevokeApiKeyResponse> getRevokeApiKeyMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "RevokeApiKey",
      requestType = dev.verifyd.v1.RevokeApiKeyRequest.class,
      responseType = dev.verifyd.v1.RevokeApiKeyResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.verifyd.v1.RevokeApiKeyRequest,
      dev.verifyd.v1.RevokeApiKeyResponse> getRevokeApiKeyMethod() {
    io.grpc.MethodDescriptor<dev.verifyd.v1.RevokeApiKeyRequest, dev.verifyd.v1.RevokeApiKeyResponse> getRevokeApiKeyMethod;
    if ((getRevokeApiKeyMethod = AdminServiceGrpc.getRevokeApiKeyMethod) == null) {
      synchronized (AdminServiceGrpc.class) {
        if ((getRevokeApiKeyMethod = AdminServiceGrpc.getRevokeApiKeyMethod) == null) {
          AdminServiceGrpc.getRevokeApiKeyMethod = getRevokeApiKeyMethod =
              io.grpc.MethodDescriptor.<dev.verifyd.v1.RevokeApiKeyRequest, dev.verifyd.v1.RevokeApiKeyResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "RevokeApiKey"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.verifyd.v1.RevokeApiKeyRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.verifyd.v1.RevokeApiKeyResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AdminServiceMethodDescriptorSupplier("RevokeApiKey"))
              .build();
        }
      }
    }
    return getRevokeApiKeyMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.verifyd.v1.RotateApiKeyRequest,
      dev.verifyd.v1.RotateApiKeyResponse> getRotateApiKeyMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "RotateApiKey",
      requestType = dev.verifyd.v1.RotateApiKeyRequest.class,
      responseType = dev.verifyd.v1.RotateApiKeyResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.verifyd.v1.RotateApiKeyRequest,
      dev.verifyd.v1.RotateApiKeyResponse> getRotateApiKeyMethod() {
    io.grpc.MethodDescriptor<dev.verifyd.v1.RotateApiKeyRequest, dev.verifyd.v1.RotateApiKeyResponse> getRotateApiKeyMethod;
    if ((getRotateApiKeyMethod = AdminServiceGrpc.getRotateApiKeyMethod) == null) {
      synchronized (AdminServiceGrpc.class) {
        if ((getRotateApiKeyMethod = AdminServiceGrpc.getRotateApiKeyMethod) == null) {
          AdminServiceGrpc.getRotateApiKeyMethod = getRotateApiKeyMethod =
              io.grpc.MethodDescriptor.<dev.verifyd.v1.RotateApiKeyRequest, dev.verifyd.v1.RotateApiKeyResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "RotateApiKey"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.verifyd.v1.RotateApiKeyRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.verifyd.v1.RotateApiKeyResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AdminServiceMethodDescriptorSupplier("RotateApiKey"))
              .build();
        }
      }
    }
    return getRotateApiKeyMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.verifyd.v1.ListBlocksRequest,
      dev.verifyd.v1.ListBlocksResponse> getListBlocksMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListBlocks",
      requestType = dev.verifyd.v1.ListBlocksRequest.class,
      responseType = dev.verifyd.v1.ListBlocksResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.verifyd.v1.ListBlocksRequest,
      dev.verifyd.v1.ListBlocksResponse> getListBlocksMethod() {
    io.grpc.MethodDescriptor<dev.verifyd.v1.ListBlocksRequest, dev.verifyd.v1.ListBlocksResponse> getListBlocksMethod;
    if ((getListBlocksMethod = AdminServiceGrpc.getListBlocksMethod) == null) {
      synchronized (AdminServiceGrpc.class) {
        if ((getListBlocksMethod = AdminServiceGrpc.getListBlocksMethod) == null) {
          AdminServiceGrpc.getListBlocksMethod = getListBlocksMethod =
              io.grpc.MethodDescriptor.<dev.verifyd.v1.ListBlocksRequest, dev.verifyd.v1.ListBlocksResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListBlocks"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.verifyd.v1.ListBlocksRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.verifyd.v1.ListBlocksResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AdminServiceMethodDescriptorSupplier("ListBlocks"))
              .build();
        }
      }
    }
    return getListBlocksMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.verifyd.v1.LiftBlockRequest,
      dev.verifyd.v1.LiftBlockResponse> getLiftBlockMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "LiftBlock",
      requestType = dev.verifyd.v1.LiftBlockRequest.class,
      responseType = dev.verifyd.v1.LiftBlockResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.verifyd.v1.LiftBlockRequest,
      dev.verifyd.v1.LiftBlockResponse> getLiftBlockMethod() {
    io.grpc.MethodDescriptor<dev.verifyd.v1.LiftBlockRequest, dev.verifyd.v1.LiftBlockResponse> getLiftBlockMethod;
    if ((getLiftBlockMethod = AdminServiceGrpc.getLiftBlockMethod) == null) {
      synchronized (AdminServiceGrpc.class) {
        if ((getLiftBlockMethod = AdminServiceGrpc.getLiftBlockMethod) == null) {
          AdminServiceGrpc.getLiftBlockMethod = getLiftBlockMethod =
              io.grpc.MethodDescriptor.<dev.verifyd.v1.LiftBlockRequest, dev.verifyd.v1.LiftBlockResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "LiftBlock"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.verifyd.v1.LiftBlockRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.verifyd.v1.LiftBlockResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AdminServiceMethodDescriptorSupplier("LiftBlock"))
              .build();
        }
      }
    }
    return getLiftBlockMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.verifyd.v1.ListAuditEntriesRequest,
      dev.verifyd.v1.ListAuditEntriesResponse> getListAuditEntriesMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListAuditEntries",
      requestType = dev.verifyd.v1.ListAuditEntriesRequest.class,
      responseType = dev.verifyd.v1.ListAuditEntriesResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.verifyd.v1.ListAuditEntriesRequest,
      dev.verifyd.v1.ListAuditEntriesResponse> getListAuditEntriesMethod() {
    io.grpc.MethodDescriptor<dev.verifyd.v1.ListAuditEntriesRequest, dev.verifyd.v1.ListAuditEntriesResponse> getListAuditEntriesMethod;
    if ((getListAuditEntriesMethod = AdminServiceGrpc.getListAuditEntriesMethod) == null) {
      synchronized (AdminServiceGrpc.class) {
        if ((getListAuditEntriesMethod = AdminServiceGrpc.getListAuditEntriesMethod) == null) {
          AdminServiceGrpc.getListAuditEntriesMethod = getListAuditEntriesMethod =
              io.grpc.MethodDescriptor.<dev.verifyd.v1.ListAuditEntriesRequest, dev.verifyd.v1.ListAuditEntriesResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListAuditEntries"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.verifyd.v1.ListAuditEntriesRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.verifyd.v1.ListAuditEntriesResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AdminServiceMethodDescriptorSupplier("ListAuditEntries"))
              .build();
        }
      }
    }
    return getListAuditEntriesMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.verifyd.v1.CreateWebhookEndpointRequest,
      dev.verifyd.v1.CreateWebhookEndpointResponse> getCreateWebhookEndpointMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "CreateWebhookEndpoint",
      requestType = dev.verifyd.v1.CreateWebhookEndpointRequest.class,
      responseType = dev.verifyd.v1.CreateWebhookEndpointResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.verifyd.v1.CreateWebhookEndpointRequest,
      dev.verifyd.v1.CreateWebhookEndpointResponse> getCreateWebhookEndpointMethod() {
    io.grpc.MethodDescriptor<dev.verifyd.v1.CreateWebhookEndpointRequest, dev.verifyd.v1.CreateWebhookEndpointResponse> getCreateWebhookEndpointMethod;
    if ((getCreateWebhookEndpointMethod = AdminServiceGrpc.getCreateWebhookEndpointMethod) == null) {
      synchronized (AdminServiceGrpc.class) {
        if ((getCreateWebhookEndpointMethod = AdminServiceGrpc.getCreateWebhookEndpointMethod) == null) {
          AdminServiceGrpc.getCreateWebhookEndpointMethod = getCreateWebhookEndpointMethod =
              io.grpc.MethodDescriptor.<dev.verifyd.v1.CreateWebhookEndpointRequest, dev.verifyd.v1.CreateWebhookEndpointResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "CreateWebhookEndpoint"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.verifyd.v1.CreateWebhookEndpointRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.verifyd.v1.CreateWebhookEndpointResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AdminServiceMethodDescriptorSupplier("CreateWebhookEndpoint"))
              .build();
        }
      }
    }
    return getCreateWebhookEndpointMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.verifyd.v1.ListWebhookEndpointsRequest,
      dev.verifyd.v1.ListWebhookEndpointsResponse> getListWebhookEndpointsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListWebhookEndpoints",
      requestType = dev.verifyd.v1.ListWebhookEndpointsRequest.class,
      responseType = dev.verifyd.v1.ListWebhookEndpointsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.verifyd.v1.ListWebhookEndpointsRequest,
      dev.verifyd.v1.ListWebhookEndpointsResponse> getListWebhookEndpointsMethod() {
    io.grpc.MethodDescriptor<dev.verifyd.v1.ListWebhookEndpointsRequest, dev.verifyd.v1.ListWebhookEndpointsResponse> getListWebhookEndpointsMethod;
    if ((getListWebhookEndpointsMethod = AdminServiceGrpc.getListWebhookEndpointsMethod) == null) {
      synchronized (AdminServiceGrpc.class) {
        if ((getListWebhookEndpointsMethod = AdminServiceGrpc.getListWebhookEndpointsMethod) == null) {
          AdminServiceGrpc.getListWebhookEndpointsMethod = getListWebhookEndpointsMethod =
              io.grpc.MethodDescriptor.<dev.verifyd.v1.ListWebhookEndpointsRequest, dev.verifyd.v1.ListWebhookEndpointsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListWebhookEndpoints"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.verifyd.v1.ListWebhookEndpointsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.verifyd.v1.ListWebhookEndpointsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AdminServiceMethodDescriptorSupplier("ListWebhookEndpoints"))
              .build();
        }
      }
    }
    return getListWebhookEndpointsMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.verifyd.v1.UpdateWebhookEndpointRequest,
      dev.verifyd.v1.UpdateWebhookEndpointResponse> getUpdateWebhookEndpointMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "UpdateWebhookEndpoint",
      requestType = dev.verifyd.v1.UpdateWebhookEndpointRequest.class,
      responseType = dev.verifyd.v1.UpdateWebhookEndpointResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.verifyd.v1.UpdateWebhookEndpointRequest,
      dev.verifyd.v1.UpdateWebhookEndpointResponse> getUpdateWebhookEndpointMethod() {
    io.grpc.MethodDescriptor<dev.verifyd.v1.UpdateWebhookEndpointRequest, dev.verifyd.v1.UpdateWebhookEndpointResponse> getUpdateWebhookEndpointMethod;
    if ((getUpdateWebhookEndpointMethod = AdminServiceGrpc.getUpdateWebhookEndpointMethod) == null) {
      synchronized (AdminServiceGrpc.class) {
        if ((getUpdateWebhookEndpointMethod = AdminServiceGrpc.getUpdateWebhookEndpointMethod) == null) {
          AdminServiceGrpc.getUpdateWebhookEndpointMethod = getUpdateWebhookEndpointMethod =
              io.grpc.MethodDescriptor.<dev.verifyd.v1.UpdateWebhookEndpointRequest, dev.verifyd.v1.UpdateWebhookEndpointResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "UpdateWebhookEndpoint"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.verifyd.v1.UpdateWebhookEndpointRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.verifyd.v1.UpdateWebhookEndpointResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AdminServiceMethodDescriptorSupplier("UpdateWebhookEndpoint"))
              .build();
        }
      }
    }
    return getUpdateWebhookEndpointMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.verifyd.v1.DeleteWebhookEndpointRequest,
      dev.verifyd.v1.DeleteWebhookEndpointResponse> getDeleteWebhookEndpointMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "DeleteWebhookEndpoint",
      requestType = dev.verifyd.v1.DeleteWebhookEndpointRequest.class,
      responseType = dev.verifyd.v1.DeleteWebhookEndpointResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.verifyd.v1.DeleteWebhookEndpointRequest,
      dev.verifyd.v1.DeleteWebhookEndpointResponse> getDeleteWebhookEndpointMethod() {
    io.grpc.MethodDescriptor<dev.verifyd.v1.DeleteWebhookEndpointRequest, dev.verifyd.v1.DeleteWebhookEndpointResponse> getDeleteWebhookEndpointMethod;
    if ((getDeleteWebhookEndpointMethod = AdminServiceGrpc.getDeleteWebhookEndpointMethod) == null) {
      synchronized (AdminServiceGrpc.class) {
        if ((getDeleteWebhookEndpointMethod = AdminServiceGrpc.getDeleteWebhookEndpointMethod) == null) {
          AdminServiceGrpc.getDeleteWebhookEndpointMethod = getDeleteWebhookEndpointMethod =
              io.grpc.MethodDescriptor.<dev.verifyd.v1.DeleteWebhookEndpointRequest, dev.verifyd.v1.DeleteWebhookEndpointResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "DeleteWebhookEndpoint"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.verifyd.v1.DeleteWebhookEndpointRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.verifyd.v1.DeleteWebhookEndpointResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AdminServiceMethodDescriptorSupplier("DeleteWebhookEndpoint"))
              .build();
        }
      }
    }
    return getDeleteWebhookEndpointMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.verifyd.v1.RotateWebhookSecretRequest,
      dev.verifyd.v1.RotateWebhookSecretResponse> getRotateWebhookSecretMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "RotateWebhookSecret",
      requestType = dev.verifyd.v1.RotateWebhookSecretRequest.class,
      responseType = dev.verifyd.v1.RotateWebhookSecretResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.verifyd.v1.RotateWebhookSecretRequest,
      dev.verifyd.v1.RotateWebhookSecretResponse> getRotateWebhookSecretMethod() {
    io.grpc.MethodDescriptor<dev.verifyd.v1.RotateWebhookSecretRequest, dev.verifyd.v1.RotateWebhookSecretResponse> getRotateWebhookSecretMethod;
    if ((getRotateWebhookSecretMethod = AdminServiceGrpc.getRotateWebhookSecretMethod) == null) {
      synchronized (AdminServiceGrpc.class) {
        if ((getRotateWebhookSecretMethod = AdminServiceGrpc.getRotateWebhookSecretMethod) == null) {
          AdminServiceGrpc.getRotateWebhookSecretMethod = getRotateWebhookSecretMethod =
              io.grpc.MethodDescriptor.<dev.verifyd.v1.RotateWebhookSecretRequest, dev.verifyd.v1.RotateWebhookSecretResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "RotateWebhookSecret"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.verifyd.v1.RotateWebhookSecretRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.verifyd.v1.RotateWebhookSecretResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AdminServiceMethodDescriptorSupplier("RotateWebhookSecret"))
              .build();
        }
      }
    }
    return getRotateWebhookSecretMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.verifyd.v1.ListWebhookDeliveriesRequest,
      dev.verifyd.v1.ListWebhookDeliveriesResponse> getListWebhookDeliveriesMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListWebhookDeliveries",
      requestType = dev.verifyd.v1.ListWebhookDeliveriesRequest.class,
      responseType = dev.verifyd.v1.ListWebhookDeliveriesResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.verifyd.v1.ListWebhookDeliveriesRequest,
      dev.verifyd.v1.ListWebhookDeliveriesResponse> getListWebhookDeliveriesMethod() {
    io.grpc.MethodDescriptor<dev.verifyd.v1.ListWebhookDeliveriesRequest, dev.verifyd.v1.ListWebhookDeliveriesResponse> getListWebhookDeliveriesMethod;
    if ((getListWebhookDeliveriesMethod = AdminServiceGrpc.getListWebhookDeliveriesMethod) == null) {
      synchronized (AdminServiceGrpc.class) {
        if ((getListWebhookDeliveriesMethod = AdminServiceGrpc.getListWebhookDeliveriesMethod) == null) {
          AdminServiceGrpc.getListWebhookDeliveriesMethod = getListWebhookDeliveriesMethod =
              io.grpc.MethodDescriptor.<dev.verifyd.v1.ListWebhookDeliveriesRequest, dev.verifyd.v1.ListWebhookDeliveriesResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListWebhookDeliveries"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.verifyd.v1.ListWebhookDeliveriesRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.verifyd.v1.ListWebhookDeliveriesResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AdminServiceMethodDescriptorSupplier("ListWebhookDeliveries"))
              .build();
        }
      }
    }
    return getListWebhookDeliveriesMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.verifyd.v1.RedeliverWebhookRequest,
      dev.verifyd.v1.RedeliverWebhookResponse> getRedeliverWebhookMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "RedeliverWebhook",
      requestType = dev.verifyd.v1.RedeliverWebhookRequest.class,
      responseType = dev.verifyd.v1.RedeliverWebhookResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.verifyd.v1.RedeliverWebhookRequest,
      dev.verifyd.v1.RedeliverWebhookResponse> getRedeliverWebhookMethod() {
    io.grpc.MethodDescriptor<dev.verifyd.v1.RedeliverWebhookRequest, dev.verifyd.v1.RedeliverWebhookResponse> getRedeliverWebhookMethod;
    if ((getRedeliverWebhookMethod = AdminServiceGrpc.getRedeliverWebhookMethod) == null) {
      synchronized (AdminServiceGrpc.class) {
        if ((getRedeliverWebhookMethod = AdminServiceGrpc.getRedeliverWebhookMethod) == null) {
          AdminServiceGrpc.getRedeliverWebhookMethod = getRedeliverWebhookMethod =
              io.grpc.MethodDescriptor.<dev.verifyd.v1.RedeliverWebhookRequest, dev.verifyd.v1.RedeliverWebhookResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "RedeliverWebhook"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.verifyd.v1.RedeliverWebhookRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.verifyd.v1.RedeliverWebhookResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AdminServiceMethodDescriptorSupplier("RedeliverWebhook"))
              .build();
        }
      }
    }
    return getRedeliverWebhookMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.verifyd.v1.ListSandboxMessagesRequest,
      dev.verifyd.v1.ListSandboxMessagesResponse> getListSandboxMessagesMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListSandboxMessages",
      requestType = dev.verifyd.v1.ListSandboxMessagesRequest.class,
      responseType = dev.verifyd.v1.ListSandboxMessagesResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.verifyd.v1.ListSandboxMessagesRequest,
      dev.verifyd.v1.ListSandboxMessagesResponse> getListSandboxMessagesMethod() {
    io.grpc.MethodDescriptor<dev.verifyd.v1.ListSandboxMessagesRequest, dev.verifyd.v1.ListSandboxMessagesResponse> getListSandboxMessagesMethod;
    if ((getListSandboxMessagesMethod = AdminServiceGrpc.getListSandboxMessagesMethod) == null) {
      synchronized (AdminServiceGrpc.class) {
        if ((getListSandboxMessagesMethod = AdminServiceGrpc.getListSandboxMessagesMethod) == null) {
          AdminServiceGrpc.getListSandboxMessagesMethod = getListSandboxMessagesMethod =
              io.grpc.MethodDescriptor.<dev.verifyd.v1.ListSandboxMessagesRequest, dev.verifyd.v1.ListSandboxMessagesResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListSandboxMessages"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.verifyd.v1.ListSandboxMessagesRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.verifyd.v1.ListSandboxMessagesResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AdminServiceMethodDescriptorSupplier("ListSandboxMessages"))
              .build();
        }
      }
    }
    return getListSandboxMessagesMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.verifyd.v1.AdvanceClockRequest,
      dev.verifyd.v1.AdvanceClockResponse> getAdvanceClockMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "AdvanceClock",
      requestType = dev.verifyd.v1.AdvanceClockRequest.class,
      responseType = dev.verifyd.v1.AdvanceClockResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.verifyd.v1.AdvanceClockRequest,
      dev.verifyd.v1.AdvanceClockResponse> getAdvanceClockMethod() {
    io.grpc.MethodDescriptor<dev.verifyd.v1.AdvanceClockRequest, dev.verifyd.v1.AdvanceClockResponse> getAdvanceClockMethod;
    if ((getAdvanceClockMethod = AdminServiceGrpc.getAdvanceClockMethod) == null) {
      synchronized (AdminServiceGrpc.class) {
        if ((getAdvanceClockMethod = AdminServiceGrpc.getAdvanceClockMethod) == null) {
          AdminServiceGrpc.getAdvanceClockMethod = getAdvanceClockMethod =
              io.grpc.MethodDescriptor.<dev.verifyd.v1.AdvanceClockRequest, dev.verifyd.v1.AdvanceClockResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "AdvanceClock"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.verifyd.v1.AdvanceClockRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.verifyd.v1.AdvanceClockResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AdminServiceMethodDescriptorSupplier("AdvanceClock"))
              .build();
        }
      }
    }
    return getAdvanceClockMethod;
  }

  /**
   * Creates a new async stub that supports all call types for the service
   */
  public static AdminServiceStub newStub(io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<AdminServiceStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<AdminServiceStub>() {
        @java.lang.Override
        public AdminServiceStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new AdminServiceStub(channel, callOptions);
        }
      };
    return AdminServiceStub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports all types of calls on the service
   */
  public static AdminServiceBlockingV2Stub newBlockingV2Stub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<AdminServiceBlockingV2Stub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<AdminServiceBlockingV2Stub>() {
        @java.lang.Override
        public AdminServiceBlockingV2Stub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new AdminServiceBlockingV2Stub(channel, callOptions);
        }
      };
    return AdminServiceBlockingV2Stub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports unary and streaming output calls on the service
   */
  public static AdminServiceBlockingStub newBlockingStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<AdminServiceBlockingStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<AdminServiceBlockingStub>() {
        @java.lang.Override
        public AdminServiceBlockingStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new AdminServiceBlockingStub(channel, callOptions);
        }
      };
    return AdminServiceBlockingStub.newStub(factory, channel);
  }

  /**
   * Creates a new ListenableFuture-style stub that supports unary calls on the service
   */
  public static AdminServiceFutureStub newFutureStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<AdminServiceFutureStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<AdminServiceFutureStub>() {
        @java.lang.Override
        public AdminServiceFutureStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new AdminServiceFutureStub(channel, callOptions);
        }
      };
    return AdminServiceFutureStub.newStub(factory, channel);
  }

  /**
   * <pre>
   * AdminService manages tenants, their settings and their API keys, and reads the
   * sandbox outbox. Every call carries `authorization: Bearer &lt;admin token&gt;`; a missing
   * or wrong token is UNAUTHENTICATED.
   * </pre>
   */
  public interface AsyncService {

    /**
     * <pre>
     * Creates a tenant with the given settings (unset settings take the defaults).
     * </pre>
     */
    default void createTenant(dev.verifyd.v1.CreateTenantRequest request,
        io.grpc.stub.StreamObserver<dev.verifyd.v1.CreateTenantResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getCreateTenantMethod(), responseObserver);
    }

    /**
     * <pre>
     * Returns one tenant.
     * </pre>
     */
    default void getTenant(dev.verifyd.v1.GetTenantRequest request,
        io.grpc.stub.StreamObserver<dev.verifyd.v1.GetTenantResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetTenantMethod(), responseObserver);
    }

    /**
     * <pre>
     * Lists every tenant.
     * </pre>
     */
    default void listTenants(dev.verifyd.v1.ListTenantsRequest request,
        io.grpc.stub.StreamObserver<dev.verifyd.v1.ListTenantsResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListTenantsMethod(), responseObserver);
    }

    /**
     * <pre>
     * Replaces a tenant's settings.
     * </pre>
     */
    default void updateTenantSettings(dev.verifyd.v1.UpdateTenantSettingsRequest request,
        io.grpc.stub.StreamObserver<dev.verifyd.v1.UpdateTenantSettingsResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getUpdateTenantSettingsMethod(), responseObserver);
    }

    /**
     * <pre>
     * Issues a new API key for a tenant. The key is in the response and never again.
     * </pre>
     */
    default void createApiKey(dev.verifyd.v1.CreateApiKeyRequest request,
        io.grpc.stub.StreamObserver<dev.verifyd.v1.CreateApiKeyResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getCreateApiKeyMethod(), responseObserver);
    }

    /**
     * <pre>
     * Lists a tenant's API keys, without the keys themselves.
     * </pre>
     */
    default void listApiKeys(dev.verifyd.v1.ListApiKeysRequest request,
        io.grpc.stub.StreamObserver<dev.verifyd.v1.ListApiKeysResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListApiKeysMethod(), responseObserver);
    }

    /**
     * <pre>
     * Revokes an API key. Calls made with it are UNAUTHENTICATED from then on (on every
     * node of a cluster within its directory refresh interval).
     * </pre>
     */
    default void revokeApiKey(dev.verifyd.v1.RevokeApiKeyRequest request,
        io.grpc.stub.StreamObserver<dev.verifyd.v1.RevokeApiKeyResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getRevokeApiKeyMethod(), responseObserver);
    }

    /**
     * <pre>
     * Replaces an API key with a new one of the same scope and description. The new key
     * is in the response and never again; the old one keeps working for a grace period,
     * so clients can switch without a gap.
     * </pre>
     */
    default void rotateApiKey(dev.verifyd.v1.RotateApiKeyRequest request,
        io.grpc.stub.StreamObserver<dev.verifyd.v1.RotateApiKeyResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getRotateApiKeyMethod(), responseObserver);
    }

    /**
     * <pre>
     * Lists the number prefixes blocked for SMS pumping that are still in force.
     * </pre>
     */
    default void listBlocks(dev.verifyd.v1.ListBlocksRequest request,
        io.grpc.stub.StreamObserver<dev.verifyd.v1.ListBlocksResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListBlocksMethod(), responseObserver);
    }

    /**
     * <pre>
     * Lifts a block: the prefix may be sent to again at once, and its counts start
     * afresh. A later block of the same prefix lasts twice as long as the last one.
     * </pre>
     */
    default void liftBlock(dev.verifyd.v1.LiftBlockRequest request,
        io.grpc.stub.StreamObserver<dev.verifyd.v1.LiftBlockResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getLiftBlockMethod(), responseObserver);
    }

    /**
     * <pre>
     * Lists audit entries, newest first: failed checks, lockouts, refused starts,
     * blocks, key and settings changes, bursts of invalid credentials.
     * </pre>
     */
    default void listAuditEntries(dev.verifyd.v1.ListAuditEntriesRequest request,
        io.grpc.stub.StreamObserver<dev.verifyd.v1.ListAuditEntriesResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListAuditEntriesMethod(), responseObserver);
    }

    /**
     * <pre>
     * Adds a webhook endpoint to a tenant. Its signing secret is in the response and
     * never again. See the README's "Webhooks" for the events, the signature and the
     * retries.
     * </pre>
     */
    default void createWebhookEndpoint(dev.verifyd.v1.CreateWebhookEndpointRequest request,
        io.grpc.stub.StreamObserver<dev.verifyd.v1.CreateWebhookEndpointResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getCreateWebhookEndpointMethod(), responseObserver);
    }

    /**
     * <pre>
     * Lists a tenant's webhook endpoints, without their secrets.
     * </pre>
     */
    default void listWebhookEndpoints(dev.verifyd.v1.ListWebhookEndpointsRequest request,
        io.grpc.stub.StreamObserver<dev.verifyd.v1.ListWebhookEndpointsResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListWebhookEndpointsMethod(), responseObserver);
    }

    /**
     * <pre>
     * Changes an endpoint's URL, event filter, description, or whether it is disabled.
     * Disabling it cancels its pending deliveries.
     * </pre>
     */
    default void updateWebhookEndpoint(dev.verifyd.v1.UpdateWebhookEndpointRequest request,
        io.grpc.stub.StreamObserver<dev.verifyd.v1.UpdateWebhookEndpointResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getUpdateWebhookEndpointMethod(), responseObserver);
    }

    /**
     * <pre>
     * Deletes an endpoint and cancels its pending deliveries.
     * </pre>
     */
    default void deleteWebhookEndpoint(dev.verifyd.v1.DeleteWebhookEndpointRequest request,
        io.grpc.stub.StreamObserver<dev.verifyd.v1.DeleteWebhookEndpointResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getDeleteWebhookEndpointMethod(), responseObserver);
    }

    /**
     * <pre>
     * Gives an endpoint a new signing secret, shown this once. During the grace period
     * deliveries carry a signature by each secret, so receivers can switch without a gap.
     * </pre>
     */
    default void rotateWebhookSecret(dev.verifyd.v1.RotateWebhookSecretRequest request,
        io.grpc.stub.StreamObserver<dev.verifyd.v1.RotateWebhookSecretResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getRotateWebhookSecretMethod(), responseObserver);
    }

    /**
     * <pre>
     * Lists a tenant's webhook deliveries, newest first, by endpoint or by event.
     * </pre>
     */
    default void listWebhookDeliveries(dev.verifyd.v1.ListWebhookDeliveriesRequest request,
        io.grpc.stub.StreamObserver<dev.verifyd.v1.ListWebhookDeliveriesResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListWebhookDeliveriesMethod(), responseObserver);
    }

    /**
     * <pre>
     * Sends a delivery again, from the first attempt of the schedule, whatever became
     * of it.
     * </pre>
     */
    default void redeliverWebhook(dev.verifyd.v1.RedeliverWebhookRequest request,
        io.grpc.stub.StreamObserver<dev.verifyd.v1.RedeliverWebhookResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getRedeliverWebhookMethod(), responseObserver);
    }

    /**
     * <pre>
     * Lists what the sandbox "delivered", codes included, oldest first.
     * </pre>
     */
    default void listSandboxMessages(dev.verifyd.v1.ListSandboxMessagesRequest request,
        io.grpc.stub.StreamObserver<dev.verifyd.v1.ListSandboxMessagesResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListSandboxMessagesMethod(), responseObserver);
    }

    /**
     * <pre>
     * Moves the server's clock forward. Only on a server started with `--clock manual`
     * (tests and demos); elsewhere FAILED_PRECONDITION.
     * </pre>
     */
    default void advanceClock(dev.verifyd.v1.AdvanceClockRequest request,
        io.grpc.stub.StreamObserver<dev.verifyd.v1.AdvanceClockResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getAdvanceClockMethod(), responseObserver);
    }
  }

  /**
   * Base class for the server implementation of the service AdminService.
   * <pre>
   * AdminService manages tenants, their settings and their API keys, and reads the
   * sandbox outbox. Every call carries `authorization: Bearer &lt;admin token&gt;`; a missing
   * or wrong token is UNAUTHENTICATED.
   * </pre>
   */
  public static abstract class AdminServiceImplBase
      implements io.grpc.BindableService, AsyncService {

    @java.lang.Override public final io.grpc.ServerServiceDefinition bindService() {
      return AdminServiceGrpc.bindService(this);
    }
  }

  /**
   * A stub to allow clients to do asynchronous rpc calls to service AdminService.
   * <pre>
   * AdminService manages tenants, their settings and their API keys, and reads the
   * sandbox outbox. Every call carries `authorization: Bearer &lt;admin token&gt;`; a missing
   * or wrong token is UNAUTHENTICATED.
   * </pre>
   */
  public static final class AdminServiceStub
      extends io.grpc.stub.AbstractAsyncStub<AdminServiceStub> {
    private AdminServiceStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected AdminServiceStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new AdminServiceStub(channel, callOptions);
    }

    /**
     * <pre>
     * Creates a tenant with the given settings (unset settings take the defaults).
     * </pre>
     */
    public void createTenant(dev.verifyd.v1.CreateTenantRequest request,
        io.grpc.stub.StreamObserver<dev.verifyd.v1.CreateTenantResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getCreateTenantMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Returns one tenant.
     * </pre>
     */
    public void getTenant(dev.verifyd.v1.GetTenantRequest request,
        io.grpc.stub.StreamObserver<dev.verifyd.v1.GetTenantResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetTenantMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Lists every tenant.
     * </pre>
     */
    public void listTenants(dev.verifyd.v1.ListTenantsRequest request,
        io.grpc.stub.StreamObserver<dev.verifyd.v1.ListTenantsResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListTenantsMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Replaces a tenant's settings.
     * </pre>
     */
    public void updateTenantSettings(dev.verifyd.v1.UpdateTenantSettingsRequest request,
        io.grpc.stub.StreamObserver<dev.verifyd.v1.UpdateTenantSettingsResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getUpdateTenantSettingsMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Issues a new API key for a tenant. The key is in the response and never again.
     * </pre>
     */
    public void createApiKey(dev.verifyd.v1.CreateApiKeyRequest request,
        io.grpc.stub.StreamObserver<dev.verifyd.v1.CreateApiKeyResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getCreateApiKeyMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Lists a tenant's API keys, without the keys themselves.
     * </pre>
     */
    public void listApiKeys(dev.verifyd.v1.ListApiKeysRequest request,
        io.grpc.stub.StreamObserver<dev.verifyd.v1.ListApiKeysResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListApiKeysMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Revokes an API key. Calls made with it are UNAUTHENTICATED from then on (on every
     * node of a cluster within its directory refresh interval).
     * </pre>
     */
    public void revokeApiKey(dev.verifyd.v1.RevokeApiKeyRequest request,
        io.grpc.stub.StreamObserver<dev.verifyd.v1.RevokeApiKeyResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getRevokeApiKeyMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Replaces an API key with a new one of the same scope and description. The new key
     * is in the response and never again; the old one keeps working for a grace period,
     * so clients can switch without a gap.
     * </pre>
     */
    public void rotateApiKey(dev.verifyd.v1.RotateApiKeyRequest request,
        io.grpc.stub.StreamObserver<dev.verifyd.v1.RotateApiKeyResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getRotateApiKeyMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Lists the number prefixes blocked for SMS pumping that are still in force.
     * </pre>
     */
    public void listBlocks(dev.verifyd.v1.ListBlocksRequest request,
        io.grpc.stub.StreamObserver<dev.verifyd.v1.ListBlocksResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListBlocksMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Lifts a block: the prefix may be sent to again at once, and its counts start
     * afresh. A later block of the same prefix lasts twice as long as the last one.
     * </pre>
     */
    public void liftBlock(dev.verifyd.v1.LiftBlockRequest request,
        io.grpc.stub.StreamObserver<dev.verifyd.v1.LiftBlockResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getLiftBlockMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Lists audit entries, newest first: failed checks, lockouts, refused starts,
     * blocks, key and settings changes, bursts of invalid credentials.
     * </pre>
     */
    public void listAuditEntries(dev.verifyd.v1.ListAuditEntriesRequest request,
        io.grpc.stub.StreamObserver<dev.verifyd.v1.ListAuditEntriesResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListAuditEntriesMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Adds a webhook endpoint to a tenant. Its signing secret is in the response and
     * never again. See the README's "Webhooks" for the events, the signature and the
     * retries.
     * </pre>
     */
    public void createWebhookEndpoint(dev.verifyd.v1.CreateWebhookEndpointRequest request,
        io.grpc.stub.StreamObserver<dev.verifyd.v1.CreateWebhookEndpointResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getCreateWebhookEndpointMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Lists a tenant's webhook endpoints, without their secrets.
     * </pre>
     */
    public void listWebhookEndpoints(dev.verifyd.v1.ListWebhookEndpointsRequest request,
        io.grpc.stub.StreamObserver<dev.verifyd.v1.ListWebhookEndpointsResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListWebhookEndpointsMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Changes an endpoint's URL, event filter, description, or whether it is disabled.
     * Disabling it cancels its pending deliveries.
     * </pre>
     */
    public void updateWebhookEndpoint(dev.verifyd.v1.UpdateWebhookEndpointRequest request,
        io.grpc.stub.StreamObserver<dev.verifyd.v1.UpdateWebhookEndpointResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getUpdateWebhookEndpointMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Deletes an endpoint and cancels its pending deliveries.
     * </pre>
     */
    public void deleteWebhookEndpoint(dev.verifyd.v1.DeleteWebhookEndpointRequest request,
        io.grpc.stub.StreamObserver<dev.verifyd.v1.DeleteWebhookEndpointResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getDeleteWebhookEndpointMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Gives an endpoint a new signing secret, shown this once. During the grace period
     * deliveries carry a signature by each secret, so receivers can switch without a gap.
     * </pre>
     */
    public void rotateWebhookSecret(dev.verifyd.v1.RotateWebhookSecretRequest request,
        io.grpc.stub.StreamObserver<dev.verifyd.v1.RotateWebhookSecretResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getRotateWebhookSecretMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Lists a tenant's webhook deliveries, newest first, by endpoint or by event.
     * </pre>
     */
    public void listWebhookDeliveries(dev.verifyd.v1.ListWebhookDeliveriesRequest request,
        io.grpc.stub.StreamObserver<dev.verifyd.v1.ListWebhookDeliveriesResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListWebhookDeliveriesMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Sends a delivery again, from the first attempt of the schedule, whatever became
     * of it.
     * </pre>
     */
    public void redeliverWebhook(dev.verifyd.v1.RedeliverWebhookRequest request,
        io.grpc.stub.StreamObserver<dev.verifyd.v1.RedeliverWebhookResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getRedeliverWebhookMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Lists what the sandbox "delivered", codes included, oldest first.
     * </pre>
     */
    public void listSandboxMessages(dev.verifyd.v1.ListSandboxMessagesRequest request,
        io.grpc.stub.StreamObserver<dev.verifyd.v1.ListSandboxMessagesResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListSandboxMessagesMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Moves the server's clock forward. Only on a server started with `--clock manual`
     * (tests and demos); elsewhere FAILED_PRECONDITION.
     * </pre>
     */
    public void advanceClock(dev.verifyd.v1.AdvanceClockRequest request,
        io.grpc.stub.StreamObserver<dev.verifyd.v1.AdvanceClockResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getAdvanceClockMethod(), getCallOptions()), request, responseObserver);
    }
  }

  /**
   * A stub to allow clients to do synchronous rpc calls to service AdminService.
   * <pre>
   * AdminService manages tenants, their settings and their API keys, and reads the
   * sandbox outbox. Every call carries `authorization: Bearer &lt;admin token&gt;`; a missing
   * or wrong token is UNAUTHENTICATED.
   * </pre>
   */
  public static final class AdminServiceBlockingV2Stub
      extends io.grpc.stub.AbstractBlockingStub<AdminServiceBlockingV2Stub> {
    private AdminServiceBlockingV2Stub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected AdminServiceBlockingV2Stub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new AdminServiceBlockingV2Stub(channel, callOptions);
    }

    /**
     * <pre>
     * Creates a tenant with the given settings (unset settings take the defaults).
     * </pre>
     */
    public dev.verifyd.v1.CreateTenantResponse createTenant(dev.verifyd.v1.CreateTenantRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getCreateTenantMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Returns one tenant.
     * </pre>
     */
    public dev.verifyd.v1.GetTenantResponse getTenant(dev.verifyd.v1.GetTenantRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getGetTenantMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists every tenant.
     * </pre>
     */
    public dev.verifyd.v1.ListTenantsResponse listTenants(dev.verifyd.v1.ListTenantsRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getListTenantsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Replaces a tenant's settings.
     * </pre>
     */
    public dev.verifyd.v1.UpdateTenantSettingsResponse updateTenantSettings(dev.verifyd.v1.UpdateTenantSettingsRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getUpdateTenantSettingsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Issues a new API key for a tenant. The key is in the response and never again.
     * </pre>
     */
    public dev.verifyd.v1.CreateApiKeyResponse createApiKey(dev.verifyd.v1.CreateApiKeyRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getCreateApiKeyMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists a tenant's API keys, without the keys themselves.
     * </pre>
     */
    public dev.verifyd.v1.ListApiKeysResponse listApiKeys(dev.verifyd.v1.ListApiKeysRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getListApiKeysMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Revokes an API key. Calls made with it are UNAUTHENTICATED from then on (on every
     * node of a cluster within its directory refresh interval).
     * </pre>
     */
    public dev.verifyd.v1.RevokeApiKeyResponse revokeApiKey(dev.verifyd.v1.RevokeApiKeyRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getRevokeApiKeyMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Replaces an API key with a new one of the same scope and description. The new key
     * is in the response and never again; the old one keeps working for a grace period,
     * so clients can switch without a gap.
     * </pre>
     */
    public dev.verifyd.v1.RotateApiKeyResponse rotateApiKey(dev.verifyd.v1.RotateApiKeyRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getRotateApiKeyMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists the number prefixes blocked for SMS pumping that are still in force.
     * </pre>
     */
    public dev.verifyd.v1.ListBlocksResponse listBlocks(dev.verifyd.v1.ListBlocksRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getListBlocksMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lifts a block: the prefix may be sent to again at once, and its counts start
     * afresh. A later block of the same prefix lasts twice as long as the last one.
     * </pre>
     */
    public dev.verifyd.v1.LiftBlockResponse liftBlock(dev.verifyd.v1.LiftBlockRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getLiftBlockMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists audit entries, newest first: failed checks, lockouts, refused starts,
     * blocks, key and settings changes, bursts of invalid credentials.
     * </pre>
     */
    public dev.verifyd.v1.ListAuditEntriesResponse listAuditEntries(dev.verifyd.v1.ListAuditEntriesRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getListAuditEntriesMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Adds a webhook endpoint to a tenant. Its signing secret is in the response and
     * never again. See the README's "Webhooks" for the events, the signature and the
     * retries.
     * </pre>
     */
    public dev.verifyd.v1.CreateWebhookEndpointResponse createWebhookEndpoint(dev.verifyd.v1.CreateWebhookEndpointRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getCreateWebhookEndpointMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists a tenant's webhook endpoints, without their secrets.
     * </pre>
     */
    public dev.verifyd.v1.ListWebhookEndpointsResponse listWebhookEndpoints(dev.verifyd.v1.ListWebhookEndpointsRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getListWebhookEndpointsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Changes an endpoint's URL, event filter, description, or whether it is disabled.
     * Disabling it cancels its pending deliveries.
     * </pre>
     */
    public dev.verifyd.v1.UpdateWebhookEndpointResponse updateWebhookEndpoint(dev.verifyd.v1.UpdateWebhookEndpointRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getUpdateWebhookEndpointMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Deletes an endpoint and cancels its pending deliveries.
     * </pre>
     */
    public dev.verifyd.v1.DeleteWebhookEndpointResponse deleteWebhookEndpoint(dev.verifyd.v1.DeleteWebhookEndpointRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getDeleteWebhookEndpointMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Gives an endpoint a new signing secret, shown this once. During the grace period
     * deliveries carry a signature by each secret, so receivers can switch without a gap.
     * </pre>
     */
    public dev.verifyd.v1.RotateWebhookSecretResponse rotateWebhookSecret(dev.verifyd.v1.RotateWebhookSecretRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getRotateWebhookSecretMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists a tenant's webhook deliveries, newest first, by endpoint or by event.
     * </pre>
     */
    public dev.verifyd.v1.ListWebhookDeliveriesResponse listWebhookDeliveries(dev.verifyd.v1.ListWebhookDeliveriesRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getListWebhookDeliveriesMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Sends a delivery again, from the first attempt of the schedule, whatever became
     * of it.
     * </pre>
     */
    public dev.verifyd.v1.RedeliverWebhookResponse redeliverWebhook(dev.verifyd.v1.RedeliverWebhookRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getRedeliverWebhookMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists what the sandbox "delivered", codes included, oldest first.
     * </pre>
     */
    public dev.verifyd.v1.ListSandboxMessagesResponse listSandboxMessages(dev.verifyd.v1.ListSandboxMessagesRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getListSandboxMessagesMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Moves the server's clock forward. Only on a server started with `--clock manual`
     * (tests and demos); elsewhere FAILED_PRECONDITION.
     * </pre>
     */
    public dev.verifyd.v1.AdvanceClockResponse advanceClock(dev.verifyd.v1.AdvanceClockRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getAdvanceClockMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do limited synchronous rpc calls to service AdminService.
   * <pre>
   * AdminService manages tenants, their settings and their API keys, and reads the
   * sandbox outbox. Every call carries `authorization: Bearer &lt;admin token&gt;`; a missing
   * or wrong token is UNAUTHENTICATED.
   * </pre>
   */
  public static final class AdminServiceBlockingStub
      extends io.grpc.stub.AbstractBlockingStub<AdminServiceBlockingStub> {
    private AdminServiceBlockingStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected AdminServiceBlockingStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new AdminServiceBlockingStub(channel, callOptions);
    }

    /**
     * <pre>
     * Creates a tenant with the given settings (unset settings take the defaults).
     * </pre>
     */
    public dev.verifyd.v1.CreateTenantResponse createTenant(dev.verifyd.v1.CreateTenantRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getCreateTenantMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Returns one tenant.
     * </pre>
     */
    public dev.verifyd.v1.GetTenantResponse getTenant(dev.verifyd.v1.GetTenantRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetTenantMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists every tenant.
     * </pre>
     */
    public dev.verifyd.v1.ListTenantsResponse listTenants(dev.verifyd.v1.ListTenantsRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListTenantsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Replaces a tenant's settings.
     * </pre>
     */
    public dev.verifyd.v1.UpdateTenantSettingsResponse updateTenantSettings(dev.verifyd.v1.UpdateTenantSettingsRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getUpdateTenantSettingsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Issues a new API key for a tenant. The key is in the response and never again.
     * </pre>
     */
    public dev.verifyd.v1.CreateApiKeyResponse createApiKey(dev.verifyd.v1.CreateApiKeyRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getCreateApiKeyMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists a tenant's API keys, without the keys themselves.
     * </pre>
     */
    public dev.verifyd.v1.ListApiKeysResponse listApiKeys(dev.verifyd.v1.ListApiKeysRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListApiKeysMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Revokes an API key. Calls made with it are UNAUTHENTICATED from then on (on every
     * node of a cluster within its directory refresh interval).
     * </pre>
     */
    public dev.verifyd.v1.RevokeApiKeyResponse revokeApiKey(dev.verifyd.v1.RevokeApiKeyRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getRevokeApiKeyMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Replaces an API key with a new one of the same scope and description. The new key
     * is in the response and never again; the old one keeps working for a grace period,
     * so clients can switch without a gap.
     * </pre>
     */
    public dev.verifyd.v1.RotateApiKeyResponse rotateApiKey(dev.verifyd.v1.RotateApiKeyRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getRotateApiKeyMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists the number prefixes blocked for SMS pumping that are still in force.
     * </pre>
     */
    public dev.verifyd.v1.ListBlocksResponse listBlocks(dev.verifyd.v1.ListBlocksRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListBlocksMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lifts a block: the prefix may be sent to again at once, and its counts start
     * afresh. A later block of the same prefix lasts twice as long as the last one.
     * </pre>
     */
    public dev.verifyd.v1.LiftBlockResponse liftBlock(dev.verifyd.v1.LiftBlockRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getLiftBlockMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists audit entries, newest first: failed checks, lockouts, refused starts,
     * blocks, key and settings changes, bursts of invalid credentials.
     * </pre>
     */
    public dev.verifyd.v1.ListAuditEntriesResponse listAuditEntries(dev.verifyd.v1.ListAuditEntriesRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListAuditEntriesMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Adds a webhook endpoint to a tenant. Its signing secret is in the response and
     * never again. See the README's "Webhooks" for the events, the signature and the
     * retries.
     * </pre>
     */
    public dev.verifyd.v1.CreateWebhookEndpointResponse createWebhookEndpoint(dev.verifyd.v1.CreateWebhookEndpointRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getCreateWebhookEndpointMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists a tenant's webhook endpoints, without their secrets.
     * </pre>
     */
    public dev.verifyd.v1.ListWebhookEndpointsResponse listWebhookEndpoints(dev.verifyd.v1.ListWebhookEndpointsRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListWebhookEndpointsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Changes an endpoint's URL, event filter, description, or whether it is disabled.
     * Disabling it cancels its pending deliveries.
     * </pre>
     */
    public dev.verifyd.v1.UpdateWebhookEndpointResponse updateWebhookEndpoint(dev.verifyd.v1.UpdateWebhookEndpointRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getUpdateWebhookEndpointMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Deletes an endpoint and cancels its pending deliveries.
     * </pre>
     */
    public dev.verifyd.v1.DeleteWebhookEndpointResponse deleteWebhookEndpoint(dev.verifyd.v1.DeleteWebhookEndpointRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getDeleteWebhookEndpointMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Gives an endpoint a new signing secret, shown this once. During the grace period
     * deliveries carry a signature by each secret, so receivers can switch without a gap.
     * </pre>
     */
    public dev.verifyd.v1.RotateWebhookSecretResponse rotateWebhookSecret(dev.verifyd.v1.RotateWebhookSecretRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getRotateWebhookSecretMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists a tenant's webhook deliveries, newest first, by endpoint or by event.
     * </pre>
     */
    public dev.verifyd.v1.ListWebhookDeliveriesResponse listWebhookDeliveries(dev.verifyd.v1.ListWebhookDeliveriesRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListWebhookDeliveriesMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Sends a delivery again, from the first attempt of the schedule, whatever became
     * of it.
     * </pre>
     */
    public dev.verifyd.v1.RedeliverWebhookResponse redeliverWebhook(dev.verifyd.v1.RedeliverWebhookRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getRedeliverWebhookMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists what the sandbox "delivered", codes included, oldest first.
     * </pre>
     */
    public dev.verifyd.v1.ListSandboxMessagesResponse listSandboxMessages(dev.verifyd.v1.ListSandboxMessagesRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListSandboxMessagesMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Moves the server's clock forward. Only on a server started with `--clock manual`
     * (tests and demos); elsewhere FAILED_PRECONDITION.
     * </pre>
     */
    public dev.verifyd.v1.AdvanceClockResponse advanceClock(dev.verifyd.v1.AdvanceClockRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getAdvanceClockMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do ListenableFuture-style rpc calls to service AdminService.
   * <pre>
   * AdminService manages tenants, their settings and their API keys, and reads the
   * sandbox outbox. Every call carries `authorization: Bearer &lt;admin token&gt;`; a missing
   * or wrong token is UNAUTHENTICATED.
   * </pre>
   */
  public static final class AdminServiceFutureStub
      extends io.grpc.stub.AbstractFutureStub<AdminServiceFutureStub> {
    private AdminServiceFutureStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected AdminServiceFutureStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new AdminServiceFutureStub(channel, callOptions);
    }

    /**
     * <pre>
     * Creates a tenant with the given settings (unset settings take the defaults).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.verifyd.v1.CreateTenantResponse> createTenant(
        dev.verifyd.v1.CreateTenantRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getCreateTenantMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Returns one tenant.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.verifyd.v1.GetTenantResponse> getTenant(
        dev.verifyd.v1.GetTenantRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetTenantMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Lists every tenant.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.verifyd.v1.ListTenantsResponse> listTenants(
        dev.verifyd.v1.ListTenantsRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListTenantsMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Replaces a tenant's settings.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.verifyd.v1.UpdateTenantSettingsResponse> updateTenantSettings(
        dev.verifyd.v1.UpdateTenantSettingsRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getUpdateTenantSettingsMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Issues a new API key for a tenant. The key is in the response and never again.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.verifyd.v1.CreateApiKeyResponse> createApiKey(
        dev.verifyd.v1.CreateApiKeyRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getCreateApiKeyMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Lists a tenant's API keys, without the keys themselves.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.verifyd.v1.ListApiKeysResponse> listApiKeys(
        dev.verifyd.v1.ListApiKeysRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListApiKeysMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Revokes an API key. Calls made with it are UNAUTHENTICATED from then on (on every
     * node of a cluster within its directory refresh interval).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.verifyd.v1.RevokeApiKeyResponse> revokeApiKey(
        dev.verifyd.v1.RevokeApiKeyRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getRevokeApiKeyMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Replaces an API key with a new one of the same scope and description. The new key
     * is in the response and never again; the old one keeps working for a grace period,
     * so clients can switch without a gap.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.verifyd.v1.RotateApiKeyResponse> rotateApiKey(
        dev.verifyd.v1.RotateApiKeyRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getRotateApiKeyMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Lists the number prefixes blocked for SMS pumping that are still in force.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.verifyd.v1.ListBlocksResponse> listBlocks(
        dev.verifyd.v1.ListBlocksRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListBlocksMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Lifts a block: the prefix may be sent to again at once, and its counts start
     * afresh. A later block of the same prefix lasts twice as long as the last one.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.verifyd.v1.LiftBlockResponse> liftBlock(
        dev.verifyd.v1.LiftBlockRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getLiftBlockMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Lists audit entries, newest first: failed checks, lockouts, refused starts,
     * blocks, key and settings changes, bursts of invalid credentials.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.verifyd.v1.ListAuditEntriesResponse> listAuditEntries(
        dev.verifyd.v1.ListAuditEntriesRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListAuditEntriesMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Adds a webhook endpoint to a tenant. Its signing secret is in the response and
     * never again. See the README's "Webhooks" for the events, the signature and the
     * retries.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.verifyd.v1.CreateWebhookEndpointResponse> createWebhookEndpoint(
        dev.verifyd.v1.CreateWebhookEndpointRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getCreateWebhookEndpointMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Lists a tenant's webhook endpoints, without their secrets.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.verifyd.v1.ListWebhookEndpointsResponse> listWebhookEndpoints(
        dev.verifyd.v1.ListWebhookEndpointsRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListWebhookEndpointsMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Changes an endpoint's URL, event filter, description, or whether it is disabled.
     * Disabling it cancels its pending deliveries.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.verifyd.v1.UpdateWebhookEndpointResponse> updateWebhookEndpoint(
        dev.verifyd.v1.UpdateWebhookEndpointRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getUpdateWebhookEndpointMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Deletes an endpoint and cancels its pending deliveries.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.verifyd.v1.DeleteWebhookEndpointResponse> deleteWebhookEndpoint(
        dev.verifyd.v1.DeleteWebhookEndpointRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getDeleteWebhookEndpointMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Gives an endpoint a new signing secret, shown this once. During the grace period
     * deliveries carry a signature by each secret, so receivers can switch without a gap.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.verifyd.v1.RotateWebhookSecretResponse> rotateWebhookSecret(
        dev.verifyd.v1.RotateWebhookSecretRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getRotateWebhookSecretMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Lists a tenant's webhook deliveries, newest first, by endpoint or by event.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.verifyd.v1.ListWebhookDeliveriesResponse> listWebhookDeliveries(
        dev.verifyd.v1.ListWebhookDeliveriesRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListWebhookDeliveriesMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Sends a delivery again, from the first attempt of the schedule, whatever became
     * of it.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.verifyd.v1.RedeliverWebhookResponse> redeliverWebhook(
        dev.verifyd.v1.RedeliverWebhookRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getRedeliverWebhookMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Lists what the sandbox "delivered", codes included, oldest first.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.verifyd.v1.ListSandboxMessagesResponse> listSandboxMessages(
        dev.verifyd.v1.ListSandboxMessagesRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListSandboxMessagesMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Moves the server's clock forward. Only on a server started with `--clock manual`
     * (tests and demos); elsewhere FAILED_PRECONDITION.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.verifyd.v1.AdvanceClockResponse> advanceClock(
        dev.verifyd.v1.AdvanceClockRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getAdvanceClockMethod(), getCallOptions()), request);
    }
  }

  private static final int METHODID_CREATE_TENANT = 0;
  private static final int METHODID_GET_TENANT = 1;
  private static final int METHODID_LIST_TENANTS = 2;
  private static final int METHODID_UPDATE_TENANT_SETTINGS = 3;
  private static final int METHODID_CREATE_API_KEY = 4;
  private static final int METHODID_LIST_API_KEYS = 5;
  private static final int METHODID_REVOKE_API_KEY = 6;
  private static final int METHODID_ROTATE_API_KEY = 7;
  private static final int METHODID_LIST_BLOCKS = 8;
  private static final int METHODID_LIFT_BLOCK = 9;
  private static final int METHODID_LIST_AUDIT_ENTRIES = 10;
  private static final int METHODID_CREATE_WEBHOOK_ENDPOINT = 11;
  private static final int METHODID_LIST_WEBHOOK_ENDPOINTS = 12;
  private static final int METHODID_UPDATE_WEBHOOK_ENDPOINT = 13;
  private static final int METHODID_DELETE_WEBHOOK_ENDPOINT = 14;
  private static final int METHODID_ROTATE_WEBHOOK_SECRET = 15;
  private static final int METHODID_LIST_WEBHOOK_DELIVERIES = 16;
  private static final int METHODID_REDELIVER_WEBHOOK = 17;
  private static final int METHODID_LIST_SANDBOX_MESSAGES = 18;
  private static final int METHODID_ADVANCE_CLOCK = 19;

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
        case METHODID_CREATE_TENANT:
          serviceImpl.createTenant((dev.verifyd.v1.CreateTenantRequest) request,
              (io.grpc.stub.StreamObserver<dev.verifyd.v1.CreateTenantResponse>) responseObserver);
          break;
        case METHODID_GET_TENANT:
          serviceImpl.getTenant((dev.verifyd.v1.GetTenantRequest) request,
              (io.grpc.stub.StreamObserver<dev.verifyd.v1.GetTenantResponse>) responseObserver);
          break;
        case METHODID_LIST_TENANTS:
          serviceImpl.listTenants((dev.verifyd.v1.ListTenantsRequest) request,
              (io.grpc.stub.StreamObserver<dev.verifyd.v1.ListTenantsResponse>) responseObserver);
          break;
        case METHODID_UPDATE_TENANT_SETTINGS:
          serviceImpl.updateTenantSettings((dev.verifyd.v1.UpdateTenantSettingsRequest) request,
              (io.grpc.stub.StreamObserver<dev.verifyd.v1.UpdateTenantSettingsResponse>) responseObserver);
          break;
        case METHODID_CREATE_API_KEY:
          serviceImpl.createApiKey((dev.verifyd.v1.CreateApiKeyRequest) request,
              (io.grpc.stub.StreamObserver<dev.verifyd.v1.CreateApiKeyResponse>) responseObserver);
          break;
        case METHODID_LIST_API_KEYS:
          serviceImpl.listApiKeys((dev.verifyd.v1.ListApiKeysRequest) request,
              (io.grpc.stub.StreamObserver<dev.verifyd.v1.ListApiKeysResponse>) responseObserver);
          break;
        case METHODID_REVOKE_API_KEY:
          serviceImpl.revokeApiKey((dev.verifyd.v1.RevokeApiKeyRequest) request,
              (io.grpc.stub.StreamObserver<dev.verifyd.v1.RevokeApiKeyResponse>) responseObserver);
          break;
        case METHODID_ROTATE_API_KEY:
          serviceImpl.rotateApiKey((dev.verifyd.v1.RotateApiKeyRequest) request,
              (io.grpc.stub.StreamObserver<dev.verifyd.v1.RotateApiKeyResponse>) responseObserver);
          break;
        case METHODID_LIST_BLOCKS:
          serviceImpl.listBlocks((dev.verifyd.v1.ListBlocksRequest) request,
              (io.grpc.stub.StreamObserver<dev.verifyd.v1.ListBlocksResponse>) responseObserver);
          break;
        case METHODID_LIFT_BLOCK:
          serviceImpl.liftBlock((dev.verifyd.v1.LiftBlockRequest) request,
              (io.grpc.stub.StreamObserver<dev.verifyd.v1.LiftBlockResponse>) responseObserver);
          break;
        case METHODID_LIST_AUDIT_ENTRIES:
          serviceImpl.listAuditEntries((dev.verifyd.v1.ListAuditEntriesRequest) request,
              (io.grpc.stub.StreamObserver<dev.verifyd.v1.ListAuditEntriesResponse>) responseObserver);
          break;
        case METHODID_CREATE_WEBHOOK_ENDPOINT:
          serviceImpl.createWebhookEndpoint((dev.verifyd.v1.CreateWebhookEndpointRequest) request,
              (io.grpc.stub.StreamObserver<dev.verifyd.v1.CreateWebhookEndpointResponse>) responseObserver);
          break;
        case METHODID_LIST_WEBHOOK_ENDPOINTS:
          serviceImpl.listWebhookEndpoints((dev.verifyd.v1.ListWebhookEndpointsRequest) request,
              (io.grpc.stub.StreamObserver<dev.verifyd.v1.ListWebhookEndpointsResponse>) responseObserver);
          break;
        case METHODID_UPDATE_WEBHOOK_ENDPOINT:
          serviceImpl.updateWebhookEndpoint((dev.verifyd.v1.UpdateWebhookEndpointRequest) request,
              (io.grpc.stub.StreamObserver<dev.verifyd.v1.UpdateWebhookEndpointResponse>) responseObserver);
          break;
        case METHODID_DELETE_WEBHOOK_ENDPOINT:
          serviceImpl.deleteWebhookEndpoint((dev.verifyd.v1.DeleteWebhookEndpointRequest) request,
              (io.grpc.stub.StreamObserver<dev.verifyd.v1.DeleteWebhookEndpointResponse>) responseObserver);
          break;
        case METHODID_ROTATE_WEBHOOK_SECRET:
          serviceImpl.rotateWebhookSecret((dev.verifyd.v1.RotateWebhookSecretRequest) request,
              (io.grpc.stub.StreamObserver<dev.verifyd.v1.RotateWebhookSecretResponse>) responseObserver);
          break;
        case METHODID_LIST_WEBHOOK_DELIVERIES:
          serviceImpl.listWebhookDeliveries((dev.verifyd.v1.ListWebhookDeliveriesRequest) request,
              (io.grpc.stub.StreamObserver<dev.verifyd.v1.ListWebhookDeliveriesResponse>) responseObserver);
          break;
        case METHODID_REDELIVER_WEBHOOK:
          serviceImpl.redeliverWebhook((dev.verifyd.v1.RedeliverWebhookRequest) request,
              (io.grpc.stub.StreamObserver<dev.verifyd.v1.RedeliverWebhookResponse>) responseObserver);
          break;
        case METHODID_LIST_SANDBOX_MESSAGES:
          serviceImpl.listSandboxMessages((dev.verifyd.v1.ListSandboxMessagesRequest) request,
              (io.grpc.stub.StreamObserver<dev.verifyd.v1.ListSandboxMessagesResponse>) responseObserver);
          break;
        case METHODID_ADVANCE_CLOCK:
          serviceImpl.advanceClock((dev.verifyd.v1.AdvanceClockRequest) request,
              (io.grpc.stub.StreamObserver<dev.verifyd.v1.AdvanceClockResponse>) responseObserver);
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
          getCreateTenantMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.verifyd.v1.CreateTenantRequest,
              dev.verifyd.v1.CreateTenantResponse>(
                service, METHODID_CREATE_TENANT)))
        .addMethod(
          getGetTenantMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.verifyd.v1.GetTenantRequest,
              dev.verifyd.v1.GetTenantResponse>(
                service, METHODID_GET_TENANT)))
        .addMethod(
          getListTenantsMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.verifyd.v1.ListTenantsRequest,
              dev.verifyd.v1.ListTenantsResponse>(
                service, METHODID_LIST_TENANTS)))
        .addMethod(
          getUpdateTenantSettingsMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.verifyd.v1.UpdateTenantSettingsRequest,
              dev.verifyd.v1.UpdateTenantSettingsResponse>(
                service, METHODID_UPDATE_TENANT_SETTINGS)))
        .addMethod(
          getCreateApiKeyMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.verifyd.v1.CreateApiKeyRequest,
              dev.verifyd.v1.CreateApiKeyResponse>(
                service, METHODID_CREATE_API_KEY)))
        .addMethod(
          getListApiKeysMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.verifyd.v1.ListApiKeysRequest,
              dev.verifyd.v1.ListApiKeysResponse>(
                service, METHODID_LIST_API_KEYS)))
        .addMethod(
          getRevokeApiKeyMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.verifyd.v1.RevokeApiKeyRequest,
              dev.verifyd.v1.RevokeApiKeyResponse>(
                service, METHODID_REVOKE_API_KEY)))
        .addMethod(
          getRotateApiKeyMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.verifyd.v1.RotateApiKeyRequest,
              dev.verifyd.v1.RotateApiKeyResponse>(
                service, METHODID_ROTATE_API_KEY)))
        .addMethod(
          getListBlocksMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.verifyd.v1.ListBlocksRequest,
              dev.verifyd.v1.ListBlocksResponse>(
                service, METHODID_LIST_BLOCKS)))
        .addMethod(
          getLiftBlockMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.verifyd.v1.LiftBlockRequest,
              dev.verifyd.v1.LiftBlockResponse>(
                service, METHODID_LIFT_BLOCK)))
        .addMethod(
          getListAuditEntriesMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.verifyd.v1.ListAuditEntriesRequest,
              dev.verifyd.v1.ListAuditEntriesResponse>(
                service, METHODID_LIST_AUDIT_ENTRIES)))
        .addMethod(
          getCreateWebhookEndpointMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.verifyd.v1.CreateWebhookEndpointRequest,
              dev.verifyd.v1.CreateWebhookEndpointResponse>(
                service, METHODID_CREATE_WEBHOOK_ENDPOINT)))
        .addMethod(
          getListWebhookEndpointsMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.verifyd.v1.ListWebhookEndpointsRequest,
              dev.verifyd.v1.ListWebhookEndpointsResponse>(
                service, METHODID_LIST_WEBHOOK_ENDPOINTS)))
        .addMethod(
          getUpdateWebhookEndpointMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.verifyd.v1.UpdateWebhookEndpointRequest,
              dev.verifyd.v1.UpdateWebhookEndpointResponse>(
                service, METHODID_UPDATE_WEBHOOK_ENDPOINT)))
        .addMethod(
          getDeleteWebhookEndpointMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.verifyd.v1.DeleteWebhookEndpointRequest,
              dev.verifyd.v1.DeleteWebhookEndpointResponse>(
                service, METHODID_DELETE_WEBHOOK_ENDPOINT)))
        .addMethod(
          getRotateWebhookSecretMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.verifyd.v1.RotateWebhookSecretRequest,
              dev.verifyd.v1.RotateWebhookSecretResponse>(
                service, METHODID_ROTATE_WEBHOOK_SECRET)))
        .addMethod(
          getListWebhookDeliveriesMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.verifyd.v1.ListWebhookDeliveriesRequest,
              dev.verifyd.v1.ListWebhookDeliveriesResponse>(
                service, METHODID_LIST_WEBHOOK_DELIVERIES)))
        .addMethod(
          getRedeliverWebhookMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.verifyd.v1.RedeliverWebhookRequest,
              dev.verifyd.v1.RedeliverWebhookResponse>(
                service, METHODID_REDELIVER_WEBHOOK)))
        .addMethod(
          getListSandboxMessagesMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.verifyd.v1.ListSandboxMessagesRequest,
              dev.verifyd.v1.ListSandboxMessagesResponse>(
                service, METHODID_LIST_SANDBOX_MESSAGES)))
        .addMethod(
          getAdvanceClockMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.verifyd.v1.AdvanceClockRequest,
              dev.verifyd.v1.AdvanceClockResponse>(
                service, METHODID_ADVANCE_CLOCK)))
        .build();
  }

  private static abstract class AdminServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoFileDescriptorSupplier, io.grpc.protobuf.ProtoServiceDescriptorSupplier {
    AdminServiceBaseDescriptorSupplier() {}

    @java.lang.Override
    public com.google.protobuf.Descriptors.FileDescriptor getFileDescriptor() {
      return dev.verifyd.v1.AdminProto.getDescriptor();
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.ServiceDescriptor getServiceDescriptor() {
      return getFileDescriptor().findServiceByName("AdminService");
    }
  }

  private static final class AdminServiceFileDescriptorSupplier
      extends AdminServiceBaseDescriptorSupplier {
    AdminServiceFileDescriptorSupplier() {}
  }

  private static final class AdminServiceMethodDescriptorSupplier
      extends AdminServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoMethodDescriptorSupplier {
    private final java.lang.String methodName;

    AdminServiceMethodDescriptorSupplier(java.lang.String methodName) {
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
      synchronized (AdminServiceGrpc.class) {
        result = serviceDescriptor;
        if (result == null) {
          serviceDescriptor = result = io.grpc.ServiceDescriptor.newBuilder(SERVICE_NAME)
              .setSchemaDescriptor(new AdminServiceFileDescriptorSupplier())
              .addMethod(getCreateTenantMethod())
              .addMethod(getGetTenantMethod())
              .addMethod(getListTenantsMethod())
              .addMethod(getUpdateTenantSettingsMethod())
              .addMethod(getCreateApiKeyMethod())
              .addMethod(getListApiKeysMethod())
              .addMethod(getRevokeApiKeyMethod())
              .addMethod(getRotateApiKeyMethod())
              .addMethod(getListBlocksMethod())
              .addMethod(getLiftBlockMethod())
              .addMethod(getListAuditEntriesMethod())
              .addMethod(getCreateWebhookEndpointMethod())
              .addMethod(getListWebhookEndpointsMethod())
              .addMethod(getUpdateWebhookEndpointMethod())
              .addMethod(getDeleteWebhookEndpointMethod())
              .addMethod(getRotateWebhookSecretMethod())
              .addMethod(getListWebhookDeliveriesMethod())
              .addMethod(getRedeliverWebhookMethod())
              .addMethod(getListSandboxMessagesMethod())
              .addMethod(getAdvanceClockMethod())
              .build();
        }
      }
    }
    return result;
  }
}
