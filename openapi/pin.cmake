# The Mist OpenAPI spec this build is pinned to. The spec itself is never committed:
# see openapi/README.md for where the build finds it.
set(MISTMCP_SPEC_VERSION "2511.1.5")
set(MISTMCP_SPEC_REPOSITORY "https://github.com/tmunzer-AIDE/mist_openapi")
set(MISTMCP_SPEC_COMMIT "2cd86e9a5baf751c3200bb50ba8437f2128e04a0")
set(MISTMCP_SPEC_YAML_NAME "mist.openapi.yaml")
set(MISTMCP_SPEC_YAML_SHA256 "51d9686cf8a3e175b2f5caefe7cc8726d292b257e3c4cad13f9654fe67008be5")
set(MISTMCP_SPEC_JSON_NAME "mist.openapi.json")
set(MISTMCP_SPEC_JSON_SHA256 "c8ee351223fea2a1dc33129c9f8cabc8da5cacaac64a5d7989fc60cc224060b2")
set(MISTMCP_SPEC_RAW_URL
    "https://raw.githubusercontent.com/tmunzer-AIDE/mist_openapi/${MISTMCP_SPEC_COMMIT}")
