// aievents-openapi DESCRIPTOR_SET: prints the OpenAPI 3.1 document of the gateway's HTTP API
// (gateway/openapi_document.h). DESCRIPTOR_SET is the build's proto/aievents_descriptors.binpb,
// which carries the protos' comments. `make openapi` writes docs/openapi.json with it.
#include <fstream>
#include <iostream>

#include "gateway/gateway_server.h"
#include "gateway/openapi_document.h"
#include "google/protobuf/descriptor.pb.h"

int main(int argc, char** argv) {
  if (argc != 2 || std::string(argv[1]) == "--help") {
    std::cerr << "usage: aievents-openapi DESCRIPTOR_SET > openapi.json\n";
    return argc == 2 ? 0 : 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  google::protobuf::FileDescriptorSet files;
  if (!in || !files.ParseFromIstream(&in)) {
    std::cerr << "cannot read the descriptor set " << argv[1] << "\n";
    return 1;
  }
  google::protobuf::DescriptorPool comments;
  for (const google::protobuf::FileDescriptorProto& file : files.file()) {
    if (comments.BuildFile(file) == nullptr) {
      std::cerr << "cannot build " << file.name() << " from the descriptor set\n";
      return 1;
    }
  }
  auto routes = aievents::gateway::RouteTable::Build(aievents::gateway::FrontedServices());
  if (!routes.ok()) {
    std::cerr << routes.status() << "\n";
    return 1;
  }
  std::cout << aievents::gateway::BuildOpenApiDocument(*routes, &comments).dump(2) << "\n";
  return 0;
}
