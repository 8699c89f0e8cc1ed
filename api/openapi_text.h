#ifndef WIT_API_OPENAPI_TEXT_H_
#define WIT_API_OPENAPI_TEXT_H_

namespace wit {

// kOpenApiYaml is schemas/openapi.yaml, compiled in when witd is built (api/CMakeLists.txt),
// for GET /api/openapi.yaml.
extern const char kOpenApiYaml[];

}  // namespace wit

#endif  // WIT_API_OPENAPI_TEXT_H_
