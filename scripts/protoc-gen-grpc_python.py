"""protoc plugin that emits grpcio's *_pb2_grpc.py stubs, for buf's local plugins.

grpcio-tools has the grpc_python generator compiled into its protoc, but ships no
standalone `protoc-gen-grpc_python` binary, and buf only proxies the generators it knows
to be protoc builtins. This plugin speaks the ordinary plugin protocol: it reads the
CodeGeneratorRequest from stdin, runs grpcio-tools' protoc over the same descriptors with
`--grpc_python_out`, and answers with the files it wrote. The output is exactly what
`python -m grpc_tools.protoc --grpc_python_out` gives for the pinned grpcio-tools.

Run with the tools venv's python (see buf.gen.yaml and scripts/install-tools.sh).
"""

import os
import sys
import tempfile

from google.protobuf import descriptor_pb2
from google.protobuf.compiler import plugin_pb2
from grpc_tools import protoc


def main() -> int:
    request = plugin_pb2.CodeGeneratorRequest.FromString(sys.stdin.buffer.read())
    response = plugin_pb2.CodeGeneratorResponse()
    response.supported_features = plugin_pb2.CodeGeneratorResponse.FEATURE_PROTO3_OPTIONAL

    with tempfile.TemporaryDirectory(prefix="protoc-gen-grpc_python-") as tmp:
        descriptor_set = os.path.join(tmp, "input.binpb")
        with open(descriptor_set, "wb") as f:
            f.write(descriptor_pb2.FileDescriptorSet(file=request.proto_file).SerializeToString())
        out_dir = os.path.join(tmp, "out")
        os.mkdir(out_dir)
        args = ["protoc", f"--descriptor_set_in={descriptor_set}", f"--grpc_python_out={out_dir}"]
        if request.parameter:
            args.append(f"--grpc_python_opt={request.parameter}")
        args.extend(request.file_to_generate)
        if protoc.main(args) != 0:
            response.error = "grpc_tools.protoc --grpc_python_out failed (see stderr)"
        else:
            for root, _dirs, files in os.walk(out_dir):
                for name in sorted(files):
                    path = os.path.join(root, name)
                    with open(path, encoding="utf-8") as f:
                        response.file.add(
                            name=os.path.relpath(path, out_dir).replace(os.sep, "/"),
                            content=f.read(),
                        )

    sys.stdout.buffer.write(response.SerializeToString())
    return 0


if __name__ == "__main__":
    sys.exit(main())
