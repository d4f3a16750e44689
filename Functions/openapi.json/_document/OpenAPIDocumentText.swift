/// The OpenAPI 3.1 document `GET /openapi.json` serves (`OpenAPIDocument`), maintained by hand as JSON inside
/// this raw string literal; `FunctionsTests.OpenAPIDocumentTests` parses it and holds it to the route table.
///
/// A string literal, not a SwiftPM resource embedded in code: SwiftPM writes a resource as an array of one
/// integer literal per byte, which took 26 s to type-check for this document's 72 KB on every build of the
/// module (a string compiles in milliseconds). See Docs/Decisions/0020.
enum OpenAPIDocumentText {
    /// The document's bytes, made once.
    static let bytes: [UInt8] = Array(json.utf8)

    static let json = #"""
{
  "openapi": "3.1.0",
  "info": {
    "title": "swift-edge: the five apps and the runtime",
    "version": "1.0.0",
    "description": "Every route under Functions/ (the apps 000 director, 001 chat, 002 jobs, 003 persephone, 004 vlm, plus hello and this document) and the runtime's own endpoints under /__edge/. The contracts are /work/shared/spec/CONTRACTS.md; this document is their machine-readable form and is kept in step with the route table by FunctionsTests.OpenAPIDocumentTests (make test).\n\nCommon to every route: each response carries `x-request-id` (the incoming value, or a new one). A method the route does not declare answers 405 with `Allow`; `OPTIONS` answers the app's CORS preflight (or 204 with `Allow`); `HEAD` runs `GET` without the body. Errors use the unified envelope `{error, code, message, requestId, details}` (CONTRACTS §0.4) with each app's native `error` text; the only exception is 001's forwarding of upstream provider errors verbatim. A function that runs past its maxDuration (300 s, vercel-like.json) answers 504 `function_timeout`. A request body over the route's limit answers 413 before it is read."
  },
  "servers": [{ "url": "http://127.0.0.1:8000" }],
  "tags": [
    { "name": "runtime", "description": "The runtime's own endpoints" },
    { "name": "hello", "description": "Benchmark functions" },
    { "name": "director", "description": "000: Director extension backend (CONTRACTS §1)" },
    { "name": "chat", "description": "001: OpenAI-compatible chat proxy (CONTRACTS §2)" },
    { "name": "jobs", "description": "002: AI jobs MVP (CONTRACTS §3)" },
    { "name": "persephone", "description": "003: Persephone UI backend (CONTRACTS §4)" },
    { "name": "vlm", "description": "004: VLM API and prompt library (CONTRACTS §5)" }
  ],
  "paths": {
    "/openapi.json": {
      "get": {
        "tags": ["runtime"],
        "operationId": "getOpenAPIDocument",
        "summary": "This document",
        "responses": {
          "200": { "description": "The OpenAPI 3.1 document", "content": { "application/json": { "schema": { "type": "object", "required": ["openapi", "paths"] } } } }
        }
      }
    },
    "/__edge/health": {
      "get": {
        "tags": ["runtime"],
        "operationId": "runtimeLiveness",
        "summary": "Liveness: the process serves (no token; independent of the apps)",
        "responses": {
          "200": { "description": "Alive", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/RuntimeHealth" } } } }
        }
      }
    },
    "/__edge/ready": {
      "get": {
        "tags": ["runtime"],
        "operationId": "runtimeReadiness",
        "summary": "Readiness: the process serves and its KV store answers a read (no token; the container's HEALTHCHECK)",
        "responses": {
          "200": { "description": "Ready", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/RuntimeReady" } } } },
          "503": { "description": "Not ready: `not_ready`, `details.kv` is `unavailable`", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }
        }
      }
    },
    "/__edge/crons": {
      "get": {
        "tags": ["runtime"],
        "operationId": "listCrons",
        "summary": "Every registered cron with its schedule, next run (UTC) and last run",
        "description": "Requires `EDGE_ADMIN_TOKEN`, sent as `Authorization: Bearer …` or `x-admin-token`. Unset: 403 `admin_disabled`.",
        "security": [{ "edgeAdminToken": [] }, { "edgeAdminBearer": [] }],
        "responses": {
          "200": { "description": "The crons", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/CronList" } } } },
          "401": { "$ref": "#/components/responses/Unauthorized" },
          "403": { "$ref": "#/components/responses/Forbidden" }
        }
      }
    },
    "/metrics": {
      "get": {
        "tags": ["runtime"],
        "operationId": "runtimeMetrics",
        "summary": "The runtime's figures in the Prometheus text exposition format, every worker summed (Docs/Decisions/0017)",
        "description": "Requires `EDGE_ADMIN_TOKEN`, sent as `Authorization: Bearer …` or `x-admin-token`. Unset: 403 `admin_disabled`. With `EDGE_METRICS=off`: 404 `metrics_disabled`. It shadows a function routed at `/metrics`.",
        "security": [{ "edgeAdminToken": [] }, { "edgeAdminBearer": [] }],
        "responses": {
          "200": { "description": "Counters, gauges and histograms (`# HELP`, `# TYPE` and sample lines), rendered at each scrape; `cache-control: no-store`", "content": { "text/plain": { "schema": { "type": "string" } } } },
          "401": { "$ref": "#/components/responses/Unauthorized" },
          "403": { "$ref": "#/components/responses/Forbidden" },
          "404": { "$ref": "#/components/responses/NotFound" }
        }
      }
    },
    "/hello": {
      "get": {
        "tags": ["hello"],
        "operationId": "hello",
        "summary": "The smallest function (the HTTP benchmark's target)",
        "responses": {
          "200": { "description": "A greeting", "content": { "text/plain": { "schema": { "type": "string", "const": "Hello, world!" } } } }
        }
      }
    },
    "/hello/kv": {
      "get": {
        "tags": ["hello"],
        "operationId": "helloKV",
        "summary": "The greeting read from KV (written on first use)",
        "responses": {
          "200": { "description": "The stored greeting", "content": { "text/plain": { "schema": { "type": "string" } } } },
          "503": { "$ref": "#/components/responses/StorageUnavailable" }
        }
      }
    },

    "/hello/cron": {
      "get": {
        "tags": ["hello"],
        "operationId": "helloCron",
        "summary": "The scheduled example: a scheduler call adds one to a KV counter; every call answers the count",
        "responses": {
          "200": { "description": "The number of scheduled runs so far", "content": { "text/plain": { "schema": { "type": "string", "pattern": "^[0-9]+$" } } } },
          "503": { "$ref": "#/components/responses/StorageUnavailable" }
        }
      }
    },

    "/api/health": {
      "get": {
        "tags": ["director"],
        "operationId": "directorHealth",
        "summary": "Liveness and storage mode (no API key needed)",
        "responses": {
          "200": {
            "description": "Health",
            "content": { "application/json": { "schema": {
              "type": "object",
              "required": ["ok", "storage", "isAvailable", "isPersistent", "now"],
              "properties": {
                "ok": { "const": true },
                "storage": { "type": "string", "const": "kv" },
                "isAvailable": { "type": "boolean" },
                "isPersistent": { "type": "boolean" },
                "now": { "$ref": "#/components/schemas/EpochMs" }
              }
            } } }
          }
        }
      }
    },
    "/api/tip-menu": {
      "get": {
        "tags": ["director"],
        "operationId": "directorTipMenu",
        "summary": "A cam model's tip menu from the first origin that has one",
        "description": "Origins tried in order: `host` (only if it is a stripchat host: the SSRF guard), then `TIP_MENU_ORIGINS`, then https://stripchat.dev and https://stripchat.com; 5 s each. 502 when none answers a menu.",
        "security": [{}, { "directorApiKey": [] }],
        "parameters": [
          { "name": "username", "in": "query", "required": true, "schema": { "type": "string", "pattern": "^[A-Za-z0-9_.-]{2,64}$" } },
          { "name": "host", "in": "query", "required": false, "schema": { "type": "string" } }
        ],
        "responses": {
          "200": {
            "description": "The menu and the origin it came from",
            "content": { "application/json": { "schema": {
              "type": "object",
              "required": ["ok", "source", "tipMenu"],
              "properties": {
                "ok": { "const": true },
                "source": { "type": "string" },
                "tipMenu": { "$ref": "#/components/schemas/DirectorTipMenu" }
              }
            } } }
          },
          "400": { "$ref": "#/components/responses/DirectorBadRequest" },
          "401": { "$ref": "#/components/responses/Unauthorized" },
          "502": {
            "description": "No origin returned a tip menu (`tip_menu_unavailable`, with `ok: false`)",
            "content": { "application/json": { "schema": { "allOf": [
              { "$ref": "#/components/schemas/Error" },
              { "type": "object", "required": ["ok"], "properties": { "ok": { "const": false }, "code": { "const": "tip_menu_unavailable" } } }
            ] } } }
          }
        }
      }
    },
    "/api/sessions/{sessionId}": {
      "parameters": [
        { "name": "sessionId", "in": "path", "required": true, "schema": { "type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$" } }
      ],
      "get": {
        "tags": ["director"],
        "operationId": "directorGetSession",
        "summary": "The stored snapshot",
        "security": [{}, { "directorApiKey": [] }],
        "responses": {
          "200": {
            "description": "The session",
            "content": { "application/json": { "schema": {
              "type": "object",
              "required": ["sessionId", "updatedAt", "state"],
              "properties": {
                "sessionId": { "type": "string" },
                "updatedAt": { "$ref": "#/components/schemas/EpochMs" },
                "state": { "type": "object" }
              }
            } } }
          },
          "400": { "$ref": "#/components/responses/DirectorBadRequest" },
          "401": { "$ref": "#/components/responses/Unauthorized" },
          "404": { "$ref": "#/components/responses/NotFound" },
          "503": { "$ref": "#/components/responses/StorageUnavailable" }
        }
      },
      "put": {
        "tags": ["director"],
        "operationId": "directorPutSession",
        "summary": "Store a snapshot (stale-write protected on `state.savedAt`; the TTL restarts)",
        "security": [{}, { "directorApiKey": [] }],
        "requestBody": {
          "required": true,
          "content": { "application/json": { "schema": {
            "type": "object",
            "required": ["state"],
            "properties": {
              "state": {
                "type": "object",
                "properties": { "savedAt": { "type": "number", "description": "Epoch ms (client clock); older than the stored snapshot → 409" } }
              }
            }
          } } }
        },
        "responses": {
          "204": { "description": "Stored" },
          "400": { "$ref": "#/components/responses/DirectorBadRequest" },
          "401": { "$ref": "#/components/responses/Unauthorized" },
          "409": {
            "description": "Stale snapshot rejected: the stored one is newer (and is returned)",
            "content": { "application/json": { "schema": { "allOf": [
              { "$ref": "#/components/schemas/Error" },
              { "type": "object", "required": ["sessionId", "updatedAt", "state"],
                "properties": { "code": { "const": "stale_snapshot" }, "sessionId": { "type": "string" }, "updatedAt": { "$ref": "#/components/schemas/EpochMs" }, "state": { "type": "object" } } }
            ] } } }
          },
          "413": { "$ref": "#/components/responses/PayloadTooLarge" },
          "503": { "$ref": "#/components/responses/StorageUnavailable" }
        }
      },
      "delete": {
        "tags": ["director"],
        "operationId": "directorDeleteSession",
        "summary": "Delete the session (204 whether or not it existed)",
        "security": [{}, { "directorApiKey": [] }],
        "responses": {
          "204": { "description": "Deleted" },
          "400": { "$ref": "#/components/responses/DirectorBadRequest" },
          "401": { "$ref": "#/components/responses/Unauthorized" },
          "503": { "$ref": "#/components/responses/StorageUnavailable" }
        }
      }
    },

    "/v1/chat/completions": {
      "post": {
        "tags": ["chat"],
        "operationId": "chatCompletions",
        "summary": "OpenAI-compatible chat completions, JSON or SSE, proxied to the provider",
        "description": "The body goes to `{PROVIDER_BASE_URL}/v1/chat/completions` after the 001 rules (CONTRACTS §2.3). An upstream status >= 400 comes back with the same status and the provider's own body (not the envelope). Unreachable provider: 502 `upstream_error`; no first byte in time: 504 `upstream_timeout`.",
        "parameters": [
          { "$ref": "#/components/parameters/ChatSessionHeader" },
          { "name": "x-conversation-id", "in": "header", "required": false, "schema": { "type": "string" } }
        ],
        "requestBody": {
          "required": true,
          "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ChatCompletionRequest" } } }
        },
        "responses": {
          "200": {
            "description": "The provider's completion (plus `_conversation` when persistence is on), or its SSE stream",
            "headers": { "x-ratelimit-limit": { "$ref": "#/components/headers/RateLimitLimit" }, "x-ratelimit-remaining": { "$ref": "#/components/headers/RateLimitRemaining" } },
            "content": {
              "application/json": { "schema": { "type": "object" } },
              "text/event-stream": { "schema": { "type": "string" } }
            }
          },
          "400": { "$ref": "#/components/responses/BadRequest" },
          "413": { "$ref": "#/components/responses/PayloadTooLarge" },
          "429": { "$ref": "#/components/responses/ChatRateLimited" },
          "4XX": { "$ref": "#/components/responses/ChatUpstreamError" },
          "502": { "$ref": "#/components/responses/BadGateway" },
          "503": { "$ref": "#/components/responses/ServiceUnavailable" },
          "504": { "$ref": "#/components/responses/GatewayTimeout" }
        }
      }
    },
    "/v1/conversations": {
      "get": {
        "tags": ["chat"],
        "operationId": "chatListConversations",
        "summary": "The session's live conversations, newest first (501 while PERSIST_TRANSCRIPTS is off)",
        "parameters": [
          { "$ref": "#/components/parameters/ChatSessionHeader" },
          { "name": "cursor", "in": "query", "required": false, "schema": { "type": "string" } },
          { "name": "limit", "in": "query", "required": false, "description": "1...100 (clamped), default 20", "schema": { "type": "integer" } }
        ],
        "responses": {
          "200": {
            "description": "A page",
            "content": { "application/json": { "schema": {
              "type": "object",
              "required": ["items", "next_cursor"],
              "properties": {
                "items": { "type": "array", "items": { "$ref": "#/components/schemas/ChatConversation" } },
                "next_cursor": { "type": ["string", "null"] }
              }
            } } }
          },
          "400": { "$ref": "#/components/responses/BadRequest" },
          "429": { "$ref": "#/components/responses/ChatRateLimited" },
          "501": { "$ref": "#/components/responses/NotImplemented" },
          "503": { "$ref": "#/components/responses/ServiceUnavailable" }
        }
      },
      "post": {
        "tags": ["chat"],
        "operationId": "chatCreateConversation",
        "summary": "Create a conversation (501 while PERSIST_TRANSCRIPTS is off)",
        "parameters": [{ "$ref": "#/components/parameters/ChatSessionHeader" }],
        "requestBody": {
          "required": false,
          "content": { "application/json": { "schema": {
            "type": "object",
            "properties": {
              "title": { "type": ["string", "null"], "maxLength": 256 },
              "model": { "type": ["string", "null"], "maxLength": 256 },
              "streamingEnabled": { "type": ["boolean", "null"] },
              "toolsEnabled": { "type": ["boolean", "null"] },
              "researchMode": { "type": ["boolean", "null"] },
              "qualityLevel": { "type": ["string", "null"], "maxLength": 256 },
              "reasoningEffort": { "type": ["string", "null"], "maxLength": 256 },
              "verbosity": { "type": ["string", "null"], "maxLength": 256 }
            }
          } } }
        },
        "responses": {
          "201": { "description": "Created", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ChatConversation" } } } },
          "400": { "$ref": "#/components/responses/BadRequest" },
          "413": { "$ref": "#/components/responses/PayloadTooLarge" },
          "429": { "$ref": "#/components/responses/ChatRateLimited" },
          "501": { "$ref": "#/components/responses/NotImplemented" },
          "503": { "$ref": "#/components/responses/ServiceUnavailable" }
        }
      }
    },
    "/v1/conversations/{id}": {
      "parameters": [
        { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } },
        { "$ref": "#/components/parameters/ChatSessionHeader" }
      ],
      "get": {
        "tags": ["chat"],
        "operationId": "chatGetConversation",
        "summary": "One conversation with a page of its messages",
        "parameters": [
          { "name": "after_seq", "in": "query", "required": false, "schema": { "type": "integer", "minimum": 0 } },
          { "name": "limit", "in": "query", "required": false, "description": "1...200 (clamped), default 50", "schema": { "type": "integer" } }
        ],
        "responses": {
          "200": {
            "description": "The conversation",
            "content": { "application/json": { "schema": { "allOf": [
              { "$ref": "#/components/schemas/ChatConversation" },
              { "type": "object", "required": ["messages", "next_after_seq"],
                "properties": {
                  "messages": { "type": "array", "items": { "$ref": "#/components/schemas/ChatMessage" } },
                  "next_after_seq": { "type": ["integer", "null"] }
                } }
            ] } } }
          },
          "400": { "$ref": "#/components/responses/BadRequest" },
          "404": { "$ref": "#/components/responses/NotFound" },
          "429": { "$ref": "#/components/responses/ChatRateLimited" },
          "501": { "$ref": "#/components/responses/NotImplemented" },
          "503": { "$ref": "#/components/responses/ServiceUnavailable" }
        }
      },
      "delete": {
        "tags": ["chat"],
        "operationId": "chatDeleteConversation",
        "summary": "Soft delete",
        "responses": {
          "204": { "description": "Deleted" },
          "404": { "$ref": "#/components/responses/NotFound" },
          "429": { "$ref": "#/components/responses/ChatRateLimited" },
          "501": { "$ref": "#/components/responses/NotImplemented" },
          "503": { "$ref": "#/components/responses/ServiceUnavailable" }
        }
      }
    },
    "/cron/chat-retention": {
      "get": {
        "tags": ["chat"],
        "operationId": "chatRetentionSweep",
        "summary": "The hourly retention sweep (cron `0 * * * *`); by hand with `Authorization: Bearer $CRON_SECRET`",
        "security": [{ "cronSecret": [] }],
        "responses": {
          "200": {
            "description": "Swept (or skipped while persistence is off or RETENTION_DAYS is 0)",
            "content": { "application/json": { "schema": {
              "type": "object", "required": ["ok", "deleted", "skipped"],
              "properties": { "ok": { "const": true }, "deleted": { "type": "integer", "minimum": 0 }, "skipped": { "type": "boolean" } }
            } } }
          },
          "401": { "$ref": "#/components/responses/Unauthorized" },
          "503": { "$ref": "#/components/responses/ServiceUnavailable" }
        }
      }
    },

    "/health": {
      "get": {
        "tags": ["jobs"],
        "operationId": "jobsHealth",
        "summary": "Health and counters (after a cleanup)",
        "responses": {
          "200": {
            "description": "Health",
            "content": { "application/json": { "schema": {
              "type": "object",
              "required": ["status", "service", "version", "jobsInMemory", "idempotencyKeysInMemory", "jobRunTimeoutSec", "requestId"],
              "properties": {
                "status": { "const": "ok" },
                "service": { "const": "backend-ai-mvp" },
                "version": { "const": "0.5.0" },
                "jobsInMemory": { "type": "integer", "minimum": 0 },
                "idempotencyKeysInMemory": { "type": "integer", "minimum": 0 },
                "jobRunTimeoutSec": { "type": "number", "exclusiveMinimum": 0 },
                "requestId": { "type": "string" }
              }
            } } }
          },
          "503": { "$ref": "#/components/responses/StorageUnavailable" }
        }
      }
    },
    "/detect/objects": {
      "post": {
        "tags": ["jobs"],
        "operationId": "jobsDetectObjects",
        "summary": "Detect objects synchronously",
        "requestBody": {
          "required": true,
          "content": { "application/json": { "schema": { "$ref": "#/components/schemas/DetectRequest" } } }
        },
        "responses": {
          "200": {
            "description": "The objects found",
            "content": { "application/json": { "schema": {
              "type": "object",
              "required": ["objects", "modelVersion", "latencyMs", "requestId"],
              "properties": {
                "objects": { "type": "array", "items": { "$ref": "#/components/schemas/DetectedObject" } },
                "modelVersion": { "type": "string" },
                "latencyMs": { "type": "number", "minimum": 0 },
                "requestId": { "type": "string" }
              }
            } } }
          },
          "400": { "$ref": "#/components/responses/JobsBadRequest" },
          "413": { "$ref": "#/components/responses/PayloadTooLarge" },
          "422": { "$ref": "#/components/responses/JobsValidationError" }
        }
      }
    },
    "/jobs": {
      "get": {
        "tags": ["jobs"],
        "operationId": "jobsList",
        "summary": "Jobs, newest first, filtered by status, paginated",
        "parameters": [
          { "name": "status", "in": "query", "required": false, "schema": { "$ref": "#/components/schemas/JobState" } },
          { "name": "limit", "in": "query", "required": false, "schema": { "type": "integer", "minimum": 1, "maximum": 100, "default": 20 } },
          { "name": "cursor", "in": "query", "required": false, "description": "An opaque non-negative integer string from `nextCursor`", "schema": { "type": "string", "pattern": "^[0-9]+$" } }
        ],
        "responses": {
          "200": {
            "description": "A page",
            "content": { "application/json": { "schema": {
              "type": "object",
              "required": ["items", "nextCursor", "requestId"],
              "properties": {
                "items": { "type": "array", "items": { "$ref": "#/components/schemas/JobStatus" } },
                "nextCursor": { "type": ["string", "null"] },
                "requestId": { "type": "string" }
              }
            } } }
          },
          "400": { "$ref": "#/components/responses/JobsBadRequest" },
          "422": { "$ref": "#/components/responses/JobsValidationError" },
          "503": { "$ref": "#/components/responses/StorageUnavailable" }
        }
      },
      "post": {
        "tags": ["jobs"],
        "operationId": "jobsCreate",
        "summary": "Create a detect-objects job (or return the live job its idempotency key names)",
        "requestBody": {
          "required": true,
          "content": { "application/json": { "schema": { "allOf": [
            { "$ref": "#/components/schemas/DetectRequest" },
            { "type": "object", "required": ["task"], "properties": {
              "task": { "const": "detect-objects" },
              "idempotencyKey": { "type": ["string", "null"], "maxLength": 512 }
            } }
          ] } } }
        },
        "responses": {
          "200": {
            "description": "Accepted",
            "content": { "application/json": { "schema": {
              "type": "object",
              "required": ["jobId", "status", "acceptedAt", "requestId"],
              "properties": {
                "jobId": { "type": "string" },
                "status": { "$ref": "#/components/schemas/JobState" },
                "acceptedAt": { "type": "string", "format": "date-time" },
                "requestId": { "type": "string" }
              }
            } } }
          },
          "400": { "$ref": "#/components/responses/JobsBadRequest" },
          "413": { "$ref": "#/components/responses/PayloadTooLarge" },
          "422": { "$ref": "#/components/responses/JobsValidationError" },
          "503": { "$ref": "#/components/responses/StorageUnavailable" }
        }
      }
    },
    "/jobs/{jobId}": {
      "get": {
        "tags": ["jobs"],
        "operationId": "jobsGet",
        "summary": "A job's status",
        "parameters": [{ "$ref": "#/components/parameters/JobId" }],
        "responses": {
          "200": { "description": "The job", "content": { "application/json": { "schema": { "allOf": [
            { "$ref": "#/components/schemas/JobStatus" },
            { "type": "object", "required": ["requestId"], "properties": { "requestId": { "type": "string" } } }
          ] } } } },
          "404": { "$ref": "#/components/responses/JobsNotFound" },
          "503": { "$ref": "#/components/responses/StorageUnavailable" }
        }
      }
    },
    "/jobs/{jobId}/result": {
      "get": {
        "tags": ["jobs"],
        "operationId": "jobsResult",
        "summary": "A done job's result; 409 for any other state",
        "parameters": [{ "$ref": "#/components/parameters/JobId" }],
        "responses": {
          "200": {
            "description": "The result",
            "content": { "application/json": { "schema": {
              "type": "object",
              "required": ["jobId", "objects", "modelVersion", "latencyMs", "requestId"],
              "properties": {
                "jobId": { "type": "string" },
                "objects": { "type": "array", "items": { "$ref": "#/components/schemas/DetectedObject" } },
                "modelVersion": { "type": "string" },
                "latencyMs": { "type": "number", "minimum": 0 },
                "requestId": { "type": "string" }
              }
            } } }
          },
          "404": { "$ref": "#/components/responses/JobsNotFound" },
          "409": { "$ref": "#/components/responses/JobsConflict" },
          "503": { "$ref": "#/components/responses/StorageUnavailable" }
        }
      }
    },
    "/jobs/{jobId}/cancel": {
      "post": {
        "tags": ["jobs"],
        "operationId": "jobsCancel",
        "summary": "Cancel a pending or running job (idempotent on a canceled one)",
        "parameters": [{ "$ref": "#/components/parameters/JobId" }],
        "responses": {
          "200": { "description": "The canceled job", "content": { "application/json": { "schema": { "allOf": [
            { "$ref": "#/components/schemas/JobStatus" },
            { "type": "object", "required": ["requestId"], "properties": { "status": { "const": "canceled" }, "requestId": { "type": "string" } } }
          ] } } } },
          "404": { "$ref": "#/components/responses/JobsNotFound" },
          "409": { "$ref": "#/components/responses/JobsConflict" },
          "503": { "$ref": "#/components/responses/StorageUnavailable" }
        }
      }
    },

    "/upload": {
      "post": {
        "tags": ["persephone"],
        "operationId": "persephoneUpload",
        "summary": "Upload a model artifact; creates a run with prepare phase Pending",
        "requestBody": {
          "required": true,
          "content": { "multipart/form-data": { "schema": {
            "type": "object",
            "required": ["file"],
            "properties": { "file": { "type": "string", "format": "binary", "description": ".zip .tar .tar.gz .tgz .onnx .pt .pth .pkl, at most MAX_UPLOAD_BYTES (500 MiB)" } }
          } } }
        },
        "responses": {
          "200": { "description": "The new run", "content": { "application/json": { "schema": {
            "type": "object", "required": ["runId"], "properties": { "runId": { "type": "string" } }
          } } } },
          "400": { "$ref": "#/components/responses/PersephoneError" },
          "413": { "$ref": "#/components/responses/PersephoneError" },
          "503": { "$ref": "#/components/responses/StorageUnavailable" },
          "507": { "description": "Disk full (`insufficient_storage`)", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }
        }
      }
    },
    "/prepare/start": {
      "post": {
        "tags": ["persephone"],
        "operationId": "persephonePrepareStart",
        "summary": "Start the run's preparation (idempotent while running or succeeded)",
        "parameters": [
          { "$ref": "#/components/parameters/RunId" },
          { "name": "gpuId", "in": "query", "required": false, "schema": { "type": "string" } }
        ],
        "responses": {
          "200": { "description": "The preparation's state", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/PrepareStatusResponse" } } } },
          "400": { "$ref": "#/components/responses/PersephoneError" },
          "404": { "$ref": "#/components/responses/PersephoneError" },
          "409": { "$ref": "#/components/responses/PersephoneError" },
          "503": { "$ref": "#/components/responses/StorageUnavailable" }
        }
      }
    },
    "/prepare/status": {
      "get": {
        "tags": ["persephone"],
        "operationId": "persephonePrepareStatus",
        "summary": "The preparation's state (also before start)",
        "parameters": [{ "$ref": "#/components/parameters/RunId" }],
        "responses": {
          "200": { "description": "The state", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/PrepareStatusResponse" } } } },
          "400": { "$ref": "#/components/responses/PersephoneError" },
          "404": { "$ref": "#/components/responses/PersephoneError" },
          "503": { "$ref": "#/components/responses/StorageUnavailable" }
        }
      }
    },
    "/prepare/gpus": {
      "get": {
        "tags": ["persephone"],
        "operationId": "persephonePrepareGpus",
        "summary": "The free GPUs (a bare array, `[]` when none is free)",
        "parameters": [{ "$ref": "#/components/parameters/RunId" }],
        "responses": {
          "200": { "description": "Free GPUs", "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/GpuOption" } } } } },
          "400": { "$ref": "#/components/responses/PersephoneError" },
          "404": { "$ref": "#/components/responses/PersephoneError" },
          "503": { "$ref": "#/components/responses/StorageUnavailable" }
        }
      }
    },
    "/deploy/start": {
      "post": {
        "tags": ["persephone"],
        "operationId": "persephoneDeployStart",
        "summary": "Deploy the run to an environment (a new version each time); 409 before preparation succeeded",
        "parameters": [{ "$ref": "#/components/parameters/RunId" }, { "$ref": "#/components/parameters/DeployEnv" }],
        "responses": {
          "200": { "description": "The deployment", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/DeployStatusResponse" } } } },
          "400": { "$ref": "#/components/responses/PersephoneError" },
          "404": { "$ref": "#/components/responses/PersephoneError" },
          "409": { "$ref": "#/components/responses/PersephoneError" },
          "503": { "$ref": "#/components/responses/StorageUnavailable" }
        }
      }
    },
    "/deploy/status": {
      "get": {
        "tags": ["persephone"],
        "operationId": "persephoneDeployStatus",
        "summary": "The latest deployment of the run to an environment",
        "parameters": [{ "$ref": "#/components/parameters/RunId" }, { "$ref": "#/components/parameters/DeployEnv" }],
        "responses": {
          "200": { "description": "The deployment", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/DeployStatusResponse" } } } },
          "400": { "$ref": "#/components/responses/PersephoneError" },
          "404": { "$ref": "#/components/responses/PersephoneError" },
          "503": { "$ref": "#/components/responses/StorageUnavailable" }
        }
      }
    },
    "/monitor/summary": {
      "get": {
        "tags": ["persephone"],
        "operationId": "persephoneMonitorSummary",
        "summary": "RED metrics and SLO figures (all 0 before a successful deployment)",
        "parameters": [{ "$ref": "#/components/parameters/RunId" }],
        "responses": {
          "200": {
            "description": "The summary",
            "content": { "application/json": { "schema": {
              "type": "object",
              "required": ["runId", "red", "slo", "updatedAt"],
              "properties": {
                "runId": { "type": "string" },
                "red": { "type": "object", "required": ["rps", "errorsPercent", "p95DurationMs"], "properties": {
                  "rps": { "type": "number", "minimum": 0 },
                  "errorsPercent": { "type": "number", "minimum": 0, "maximum": 100 },
                  "p95DurationMs": { "type": "number", "minimum": 0 }
                } },
                "slo": { "type": "object", "required": ["availability", "latencyP95Ms"], "properties": {
                  "availability": { "type": "number", "minimum": 0, "maximum": 100 },
                  "latencyP95Ms": { "type": "number", "minimum": 0 }
                } },
                "updatedAt": { "type": "string", "format": "date-time" }
              }
            } } }
          },
          "400": { "$ref": "#/components/responses/PersephoneError" },
          "404": { "$ref": "#/components/responses/PersephoneError" },
          "503": { "$ref": "#/components/responses/StorageUnavailable" }
        }
      }
    },

    "/healthz": {
      "get": {
        "tags": ["vlm", "chat"],
        "operationId": "healthz",
        "summary": "Shared health of 001 and 004: the union body (CONTRACTS §0.3)",
        "responses": {
          "200": { "description": "Ready", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Healthz" } } } },
          "503": { "description": "The KV store is unavailable (`ok: false`)", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Healthz" } } } }
        }
      }
    },
    "/about": {
      "get": {
        "tags": ["vlm"],
        "operationId": "vlmAbout",
        "summary": "Metadata, the seed's route list and the regex cleanup config",
        "responses": {
          "200": {
            "description": "About",
            "content": { "application/json": { "schema": {
              "type": "object",
              "required": ["name", "version", "environment", "routes", "config"],
              "properties": {
                "name": { "const": "vlm-api-deno" },
                "version": { "type": "string" },
                "environment": { "enum": ["production", "dev"] },
                "routes": { "type": "array", "items": { "type": "string" } },
                "config": { "type": "object", "required": ["regex_cleanup"], "properties": {
                  "regex_cleanup": { "$ref": "#/components/schemas/RegexConfig" }
                } }
              }
            } } }
          }
        }
      }
    },
    "/v1/vision/analyze": {
      "post": {
        "tags": ["vlm"],
        "operationId": "vlmVisionAnalyze",
        "summary": "Vision analysis: the provider's status and JSON passed through (SSE with `stream: true`)",
        "parameters": [
          { "name": "provider", "in": "query", "required": false, "schema": { "enum": ["bigmodel", "openrouter"] } },
          { "name": "stream", "in": "query", "required": false, "schema": { "type": "string" } }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": { "schema": { "$ref": "#/components/schemas/VisionRequest" } },
            "multipart/form-data": { "schema": { "$ref": "#/components/schemas/VisionMultipart" } }
          }
        },
        "responses": {
          "200": { "$ref": "#/components/responses/VisionSuccess" },
          "400": { "$ref": "#/components/responses/BadRequest" },
          "404": { "$ref": "#/components/responses/NotFound" },
          "413": { "$ref": "#/components/responses/PayloadTooLarge" },
          "429": { "$ref": "#/components/responses/VLMRateLimited" },
          "4XX": { "$ref": "#/components/responses/VisionUpstreamError" },
          "502": { "$ref": "#/components/responses/BadGateway" },
          "503": { "$ref": "#/components/responses/ServiceUnavailable" },
          "504": { "$ref": "#/components/responses/GatewayTimeout" }
        }
      }
    },
    "/v1/vision/stream": {
      "post": {
        "tags": ["vlm"],
        "operationId": "vlmVisionStream",
        "summary": "Vision analysis as the provider's SSE stream, unbuffered, no total timeout",
        "parameters": [
          { "name": "provider", "in": "query", "required": false, "schema": { "enum": ["bigmodel", "openrouter"] } }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": { "schema": { "$ref": "#/components/schemas/VisionRequest" } },
            "multipart/form-data": { "schema": { "$ref": "#/components/schemas/VisionMultipart" } }
          }
        },
        "responses": {
          "200": { "description": "The upstream SSE", "content": { "text/event-stream": { "schema": { "type": "string" } } } },
          "400": { "$ref": "#/components/responses/BadRequest" },
          "404": { "$ref": "#/components/responses/NotFound" },
          "413": { "$ref": "#/components/responses/PayloadTooLarge" },
          "429": { "$ref": "#/components/responses/VLMRateLimited" },
          "4XX": { "$ref": "#/components/responses/VisionUpstreamError" },
          "502": { "$ref": "#/components/responses/BadGateway" },
          "503": { "$ref": "#/components/responses/ServiceUnavailable" },
          "504": { "$ref": "#/components/responses/GatewayTimeout" }
        }
      }
    },
    "/v1/prompts": {
      "get": {
        "tags": ["vlm"],
        "operationId": "vlmListPrompts",
        "summary": "Prompts sorted by priority, name, version desc",
        "security": [{}, { "readBearer": [] }],
        "parameters": [
          { "name": "namespace", "in": "query", "required": false, "schema": { "type": "string", "default": "default" } },
          { "name": "lang", "in": "query", "required": false, "schema": { "type": "string" } },
          { "name": "active", "in": "query", "required": false, "description": "`1`: active only; any other non-empty value: inactive only", "schema": { "type": "string" } },
          { "name": "limit", "in": "query", "required": false, "description": "min(limit, 100); non-numeric or < 1 → 50", "schema": { "type": "string" } }
        ],
        "responses": {
          "200": {
            "description": "The prompts",
            "headers": { "x-cache": { "$ref": "#/components/headers/XCache" } },
            "content": { "application/json": { "schema": {
              "type": "object", "required": ["items"],
              "properties": { "items": { "type": "array", "items": { "$ref": "#/components/schemas/Prompt" } } }
            } } }
          },
          "401": { "$ref": "#/components/responses/Unauthorized" },
          "503": { "$ref": "#/components/responses/StorageUnavailable" }
        }
      },
      "post": {
        "tags": ["vlm"],
        "operationId": "vlmCreatePrompt",
        "summary": "Create a prompt (admin; rate limit → auth → nonce → body)",
        "security": [{ "vlmAdminToken": [] }],
        "parameters": [{ "$ref": "#/components/parameters/Nonce" }],
        "requestBody": {
          "required": true,
          "content": { "application/json": { "schema": { "$ref": "#/components/schemas/PromptCreate" } } }
        },
        "responses": {
          "201": { "description": "The created prompt", "headers": { "x-ratelimit-limit": { "$ref": "#/components/headers/RateLimitLimit" } }, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Prompt" } } } },
          "400": { "$ref": "#/components/responses/BadRequest" },
          "401": { "$ref": "#/components/responses/Unauthorized" },
          "409": { "$ref": "#/components/responses/Conflict" },
          "413": { "$ref": "#/components/responses/PayloadTooLarge" },
          "429": { "$ref": "#/components/responses/VLMRateLimited" },
          "503": { "$ref": "#/components/responses/StorageUnavailable" }
        }
      }
    },
    "/v1/prompts/default": {
      "get": {
        "tags": ["vlm"],
        "operationId": "vlmDefaultPrompt",
        "summary": "The default prompt of (namespace, lang); matched before /v1/prompts/{id}",
        "security": [{}, { "readBearer": [] }],
        "parameters": [
          { "name": "namespace", "in": "query", "required": false, "schema": { "type": "string", "default": "default" } },
          { "name": "lang", "in": "query", "required": false, "schema": { "type": "string", "default": "en" } }
        ],
        "responses": {
          "200": { "description": "The prompt", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Prompt" } } } },
          "401": { "$ref": "#/components/responses/Unauthorized" },
          "404": { "$ref": "#/components/responses/NotFound" },
          "503": { "$ref": "#/components/responses/StorageUnavailable" }
        }
      }
    },
    "/v1/prompts/{id}": {
      "parameters": [
        { "name": "id", "in": "path", "required": true, "description": "1 ... 2^53 - 1 in digits; anything else is a missing prompt (404)", "schema": { "type": "string" } }
      ],
      "get": {
        "tags": ["vlm"],
        "operationId": "vlmGetPrompt",
        "summary": "One prompt (cached 5 min)",
        "security": [{}, { "readBearer": [] }],
        "responses": {
          "200": { "description": "The prompt", "headers": { "x-cache": { "$ref": "#/components/headers/XCache" } }, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Prompt" } } } },
          "401": { "$ref": "#/components/responses/Unauthorized" },
          "404": { "$ref": "#/components/responses/NotFound" },
          "503": { "$ref": "#/components/responses/StorageUnavailable" }
        }
      },
      "put": {
        "tags": ["vlm"],
        "operationId": "vlmUpdatePrompt",
        "summary": "Update a prompt (admin); `id`, `created_at`, `is_default` are ignored",
        "security": [{ "vlmAdminToken": [] }],
        "parameters": [{ "$ref": "#/components/parameters/Nonce" }],
        "requestBody": {
          "required": true,
          "content": { "application/json": { "schema": { "$ref": "#/components/schemas/PromptPatch" } } }
        },
        "responses": {
          "200": { "description": "The updated prompt", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Prompt" } } } },
          "400": { "$ref": "#/components/responses/BadRequest" },
          "401": { "$ref": "#/components/responses/Unauthorized" },
          "404": { "$ref": "#/components/responses/NotFound" },
          "409": { "$ref": "#/components/responses/Conflict" },
          "413": { "$ref": "#/components/responses/PayloadTooLarge" },
          "429": { "$ref": "#/components/responses/VLMRateLimited" },
          "503": { "$ref": "#/components/responses/StorageUnavailable" }
        }
      },
      "delete": {
        "tags": ["vlm"],
        "operationId": "vlmDeletePrompt",
        "summary": "Delete a prompt (admin) with its indexes and default pointer",
        "security": [{ "vlmAdminToken": [] }],
        "parameters": [{ "$ref": "#/components/parameters/Nonce" }],
        "responses": {
          "200": { "$ref": "#/components/responses/Success" },
          "400": { "$ref": "#/components/responses/BadRequest" },
          "401": { "$ref": "#/components/responses/Unauthorized" },
          "404": { "$ref": "#/components/responses/NotFound" },
          "409": { "$ref": "#/components/responses/Conflict" },
          "429": { "$ref": "#/components/responses/VLMRateLimited" },
          "503": { "$ref": "#/components/responses/StorageUnavailable" }
        }
      }
    },
    "/v1/prompts/{id}/default": {
      "put": {
        "tags": ["vlm"],
        "operationId": "vlmSetDefaultPrompt",
        "summary": "Make a prompt its (namespace, lang)'s default (admin; no body); 400 for a missing or inactive prompt",
        "security": [{ "vlmAdminToken": [] }],
        "parameters": [
          { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } },
          { "$ref": "#/components/parameters/Nonce" }
        ],
        "responses": {
          "200": { "$ref": "#/components/responses/Success" },
          "400": { "$ref": "#/components/responses/BadRequest" },
          "401": { "$ref": "#/components/responses/Unauthorized" },
          "409": { "$ref": "#/components/responses/Conflict" },
          "429": { "$ref": "#/components/responses/VLMRateLimited" },
          "503": { "$ref": "#/components/responses/StorageUnavailable" }
        }
      }
    },
    "/admin/config/regex": {
      "put": {
        "tags": ["vlm"],
        "operationId": "vlmSetRegex",
        "summary": "Store the regex cleanup pattern (an ECMAScript regex) and flags (admin)",
        "security": [{ "vlmAdminToken": [] }],
        "parameters": [{ "$ref": "#/components/parameters/Nonce" }],
        "requestBody": {
          "required": true,
          "content": { "application/json": { "schema": {
            "type": "object", "required": ["pattern"],
            "properties": { "pattern": { "type": "string" }, "flags": { "type": ["string", "null"] } }
          } } }
        },
        "responses": {
          "200": { "description": "Stored", "content": { "application/json": { "schema": {
            "type": "object", "required": ["success", "pattern", "flags", "source"],
            "properties": { "success": { "const": true }, "pattern": { "type": "string" }, "flags": { "type": "string" }, "source": { "const": "kv" } }
          } } } },
          "400": { "$ref": "#/components/responses/BadRequest" },
          "401": { "$ref": "#/components/responses/Unauthorized" },
          "409": { "$ref": "#/components/responses/Conflict" },
          "413": { "$ref": "#/components/responses/PayloadTooLarge" },
          "429": { "$ref": "#/components/responses/VLMRateLimited" },
          "503": { "$ref": "#/components/responses/StorageUnavailable" }
        }
      },
      "delete": {
        "tags": ["vlm"],
        "operationId": "vlmDeleteRegex",
        "summary": "Back to the default pattern (admin)",
        "security": [{ "vlmAdminToken": [] }],
        "parameters": [{ "$ref": "#/components/parameters/Nonce" }],
        "responses": {
          "200": { "$ref": "#/components/responses/Success" },
          "400": { "$ref": "#/components/responses/BadRequest" },
          "401": { "$ref": "#/components/responses/Unauthorized" },
          "409": { "$ref": "#/components/responses/Conflict" },
          "429": { "$ref": "#/components/responses/VLMRateLimited" },
          "503": { "$ref": "#/components/responses/StorageUnavailable" }
        }
      }
    },
    "/admin/backup": {
      "post": {
        "tags": ["vlm"],
        "operationId": "vlmBackup",
        "summary": "Download every prompt as a backup document (admin)",
        "security": [{ "vlmAdminToken": [] }],
        "parameters": [{ "$ref": "#/components/parameters/Nonce" }],
        "responses": {
          "200": {
            "description": "The backup, as an attachment `backup-<epoch ms>.json`",
            "headers": { "content-disposition": { "required": true, "schema": { "type": "string", "pattern": "^attachment; filename=\"backup-[0-9]+\\.json\"$" } } },
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Backup" } } }
          },
          "400": { "$ref": "#/components/responses/BadRequest" },
          "401": { "$ref": "#/components/responses/Unauthorized" },
          "409": { "$ref": "#/components/responses/Conflict" },
          "429": { "$ref": "#/components/responses/VLMRateLimited" },
          "503": { "$ref": "#/components/responses/StorageUnavailable" }
        }
      }
    },
    "/admin/restore": {
      "post": {
        "tags": ["vlm"],
        "operationId": "vlmRestore",
        "summary": "Restore prompts from a backup document, or from a cron-stored backup by key (admin)",
        "security": [{ "vlmAdminToken": [] }],
        "parameters": [{ "$ref": "#/components/parameters/Nonce" }],
        "requestBody": {
          "required": true,
          "content": { "application/json": { "schema": { "oneOf": [
            { "$ref": "#/components/schemas/Backup" },
            { "type": "object", "required": ["key"], "properties": { "key": { "type": "string" } } }
          ] } } }
        },
        "responses": {
          "200": { "description": "Restored", "content": { "application/json": { "schema": {
            "type": "object", "required": ["success", "restored", "conflicts"],
            "properties": {
              "success": { "const": true },
              "restored": { "type": "integer", "minimum": 0 },
              "conflicts": { "type": "array", "items": { "type": "object", "required": ["id", "existing_id"], "properties": { "id": { "type": "integer" }, "existing_id": { "type": "integer" } } } }
            }
          } } } },
          "400": { "$ref": "#/components/responses/BadRequest" },
          "401": { "$ref": "#/components/responses/Unauthorized" },
          "404": { "$ref": "#/components/responses/NotFound" },
          "409": { "$ref": "#/components/responses/Conflict" },
          "413": { "$ref": "#/components/responses/PayloadTooLarge" },
          "429": { "$ref": "#/components/responses/VLMRateLimited" },
          "503": { "$ref": "#/components/responses/StorageUnavailable" }
        }
      }
    },
    "/admin/cron/backup": {
      "get": {
        "tags": ["vlm"],
        "operationId": "vlmCronBackup",
        "summary": "The daily backup (cron `0 3 * * *`), stored at [\"backups\", <ISO>] for 30 days; by hand with the admin token or the cron secret",
        "security": [{ "vlmAdminToken": [] }, { "cronSecret": [] }],
        "responses": {
          "200": { "description": "Done (or skipped: this hour's slot already ran)", "content": { "application/json": { "schema": {
            "type": "object", "required": ["ok"],
            "properties": {
              "ok": { "const": true },
              "skipped": { "type": "boolean" },
              "slot": { "type": "string" },
              "key": { "type": "array", "items": { "type": "string" } },
              "exported_at": { "type": "string", "format": "date-time" },
              "count": { "type": "integer", "minimum": 0 },
              "bytes": { "type": "integer", "minimum": 0 },
              "parts": { "type": "integer", "minimum": 0 },
              "location": { "type": "string" }
            }
          } } } },
          "401": { "$ref": "#/components/responses/Unauthorized" },
          "503": { "$ref": "#/components/responses/StorageUnavailable" }
        }
      }
    }
  },

  "components": {
    "securitySchemes": {
      "edgeAdminToken": { "type": "apiKey", "in": "header", "name": "x-admin-token", "description": "EDGE_ADMIN_TOKEN" },
      "edgeAdminBearer": { "type": "http", "scheme": "bearer", "description": "EDGE_ADMIN_TOKEN" },
      "directorApiKey": { "type": "apiKey", "in": "header", "name": "x-api-key", "description": "000's BACKEND_API_KEY; required only while it is set" },
      "vlmAdminToken": { "type": "apiKey", "in": "header", "name": "x-admin-token", "description": "004's ADMIN_TOKEN; unset: every admin call is 401" },
      "readBearer": { "type": "http", "scheme": "bearer", "description": "004's READ_BEARER_TOKEN; required only under REQUIRE_READ_AUTH=1" },
      "cronSecret": { "type": "http", "scheme": "bearer", "description": "The app's CRON_SECRET" }
    },
    "parameters": {
      "ChatSessionHeader": { "name": "x-session-id", "in": "header", "required": false, "description": "The 001 session (else the cf_session_id cookie, else a new one)", "schema": { "type": "string" } },
      "JobId": { "name": "jobId", "in": "path", "required": true, "schema": { "type": "string" } },
      "RunId": { "name": "runId", "in": "query", "required": true, "description": "Missing or empty → 400; unknown → 404", "schema": { "type": "string", "minLength": 1 } },
      "DeployEnv": { "name": "env", "in": "query", "required": true, "schema": { "enum": ["dev", "stage", "prod"] } },
      "Nonce": { "name": "x-nonce", "in": "header", "required": false, "description": "Anti-replay: 8-128 of [A-Za-z0-9._-]; seen before → 409 `replay` and nothing is written", "schema": { "type": "string", "pattern": "^[A-Za-z0-9._-]{8,128}$" } }
    },
    "headers": {
      "RateLimitLimit": { "schema": { "type": "string", "pattern": "^[0-9]+$" } },
      "RateLimitRemaining": { "schema": { "type": "string", "pattern": "^[0-9]+$" } },
      "XCache": { "schema": { "enum": ["HIT", "MISS"] } }
    },
    "responses": {
      "BadRequest": { "description": "Malformed JSON, a missing or invalid field, a bad query parameter", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } },
      "DirectorBadRequest": { "description": "`invalid_session_id`, `invalid_body`, `invalid_username`, `no_allowed_host`", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } },
      "Unauthorized": { "description": "A missing or wrong credential", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } },
      "Forbidden": { "description": "The endpoint is disabled", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } },
      "NotFound": { "description": "No such resource", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } },
      "Conflict": { "description": "A duplicate prompt (`duplicate_prompt`) or a replayed nonce (`replay`)", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } },
      "PayloadTooLarge": { "description": "The body is over the route's limit (`payload_too_large`)", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } },
      "NotImplemented": { "description": "Conversation history is disabled (`not_implemented`)", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } },
      "BadGateway": { "description": "The upstream is unreachable or invalid (`upstream_error`)", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } },
      "ServiceUnavailable": { "description": "Storage or provider not configured, or too many concurrent writes (`storage_unavailable`, `provider_not_configured`, `write_conflict`)", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } },
      "StorageUnavailable": { "description": "The KV store is unavailable (`storage_unavailable`, e.g. `edge serve --no-kv`)", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } },
      "GatewayTimeout": { "description": "The upstream sent no first byte in time (`upstream_timeout`)", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } },
      "Success": { "description": "Done", "content": { "application/json": { "schema": { "type": "object", "required": ["success"], "properties": { "success": { "const": true } } } } } },
      "ChatRateLimited": {
        "description": "Over the per-IP window (`rate_limit_exceeded`, `remaining: 0`), or past a per-session limit (`limit_exceeded`)",
        "headers": { "retry-after": { "schema": { "type": "string", "pattern": "^[0-9]+$" } } },
        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } }
      },
      "VLMRateLimited": {
        "description": "Over the write or vision window (`rate_limited`)",
        "headers": { "retry-after": { "required": true, "schema": { "type": "string", "pattern": "^[0-9]+$" } } },
        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } }
      },
      "ChatUpstreamError": { "description": "The provider's error status and body, forwarded verbatim (OpenAI shape `{\"error\": {...}}` or `{\"error\":\"upstream_error\",\"message\"}` for a non-JSON body)", "content": { "application/json": { "schema": { "type": "object", "required": ["error"] } } } },
      "VisionUpstreamError": { "description": "The provider's error status with its JSON body, or `{\"error\":\"bad upstream json\"}`", "content": { "application/json": { "schema": { "type": "object" } } } },
      "VisionSuccess": {
        "description": "The provider's completion (OpenAI shape), or its SSE stream with `stream: true`",
        "content": {
          "application/json": { "schema": { "type": "object" } },
          "text/event-stream": { "schema": { "type": "string" } }
        }
      },
      "JobsBadRequest": { "description": "`invalid_image_payload`, `invalid_pagination`, `invalid_cursor`", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/JobsError" } } } },
      "JobsValidationError": { "description": "Request validation failed (`validation_error`, FastAPI style `details.errors`)", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/JobsError" } } } },
      "JobsNotFound": { "description": "`job_not_found`", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/JobsError" } } } },
      "JobsConflict": { "description": "`job_not_completed`, `job_failed`, `job_timeout`, `job_canceled`, `job_not_cancelable`", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/JobsError" } } } },
      "PersephoneError": { "description": "`{\"message\"}` shown by the UI, inside the envelope", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }
    },
    "schemas": {
      "Error": {
        "description": "The unified error envelope (CONTRACTS §0.4); apps may add members beside these (000's 409 `sessionId`/`updatedAt`/`state`, 000's tip-menu 502 `ok`, 001's 429 `remaining`).",
        "type": "object",
        "required": ["error", "code", "message", "requestId", "details"],
        "properties": {
          "error": { "type": "string", "description": "The app's native error text (000/004), code (001), or the message (002/003)" },
          "code": { "type": "string", "pattern": "^[a-z0-9_]+$" },
          "message": { "type": "string" },
          "requestId": { "type": "string", "minLength": 1 },
          "details": { "type": ["object", "null"] }
        }
      },
      "JobsError": {
        "allOf": [
          { "$ref": "#/components/schemas/Error" },
          { "type": "object", "properties": { "code": { "enum": [
            "validation_error", "invalid_image_payload", "invalid_pagination", "invalid_cursor", "unsupported_task",
            "job_not_found", "job_not_completed", "job_failed", "job_timeout", "job_canceled", "job_not_cancelable",
            "payload_too_large", "http_error"
          ] } } }
        ]
      },
      "EpochMs": { "type": "integer", "minimum": 0 },
      "RuntimeHealth": {
        "type": "object", "required": ["status"], "additionalProperties": false,
        "properties": { "status": { "const": "ok" } }
      },
      "RuntimeReady": {
        "type": "object", "required": ["status", "kv"], "additionalProperties": false,
        "properties": { "status": { "const": "ready" }, "kv": { "const": "ok" } }
      },
      "CronList": {
        "type": "object", "required": ["crons"],
        "properties": { "crons": { "type": "array", "items": { "type": "object" } } }
      },
      "DirectorTipMenu": {
        "type": "object",
        "required": ["isEnabled", "settings", "updatedAt"],
        "properties": {
          "isEnabled": { "type": "boolean" },
          "settings": { "type": "array", "items": { "type": "object", "required": ["activity", "price"], "properties": {
            "activity": { "type": "string", "minLength": 1 },
            "price": { "type": "integer", "minimum": 1 }
          } } },
          "updatedAt": { "$ref": "#/components/schemas/EpochMs" }
        }
      },
      "ChatCompletionRequest": {
        "type": "object",
        "required": ["messages"],
        "description": "An OpenAI Chat Completions body; members other than the ones below are forwarded as they are.",
        "properties": {
          "model": { "type": "string", "maxLength": 256 },
          "messages": { "type": "array", "items": { "type": "object", "required": ["role"], "properties": {
            "role": { "type": "string" },
            "content": { "type": ["string", "array", "null"] }
          } } },
          "stream": { "type": ["boolean", "null"] },
          "conversation_id": { "type": ["string", "null"] },
          "reasoning_effort": { "type": "string", "description": "gpt-5* models: minimal|low|medium|high; dropped for others" },
          "verbosity": { "type": "string", "description": "gpt-5* models: low|medium|high; dropped for others" }
        }
      },
      "ChatConversation": {
        "type": "object",
        "required": ["id", "title", "model", "streaming_enabled", "tools_enabled", "research_mode", "quality_level", "reasoning_effort", "verbosity", "created_at"],
        "properties": {
          "id": { "type": "string" },
          "title": { "type": ["string", "null"] },
          "model": { "type": ["string", "null"] },
          "streaming_enabled": { "type": "boolean" },
          "tools_enabled": { "type": "boolean" },
          "research_mode": { "type": "boolean" },
          "quality_level": { "type": ["string", "null"] },
          "reasoning_effort": { "type": ["string", "null"] },
          "verbosity": { "type": ["string", "null"] },
          "created_at": { "type": "string", "format": "date-time" }
        }
      },
      "ChatMessage": {
        "type": "object",
        "required": ["id", "seq", "role", "status", "content", "finish_reason", "created_at"],
        "properties": {
          "id": { "type": "string" },
          "seq": { "type": "integer", "minimum": 1 },
          "role": { "type": "string" },
          "status": { "type": "string" },
          "content": { "type": "string" },
          "finish_reason": { "type": ["string", "null"] },
          "created_at": { "type": "string", "format": "date-time" },
          "truncated": { "type": "boolean" }
        }
      },
      "JobState": { "enum": ["pending", "running", "done", "failed", "canceled", "timeout"] },
      "JobStatus": {
        "type": "object",
        "required": ["jobId", "status", "task", "createdAt", "startedAt", "finishedAt", "error"],
        "properties": {
          "jobId": { "type": "string" },
          "status": { "$ref": "#/components/schemas/JobState" },
          "task": { "type": "string" },
          "createdAt": { "type": "string", "format": "date-time" },
          "startedAt": { "type": ["string", "null"], "format": "date-time" },
          "finishedAt": { "type": ["string", "null"], "format": "date-time" },
          "error": { "type": ["string", "null"] }
        }
      },
      "DetectRequest": {
        "type": "object",
        "required": ["imageBase64"],
        "properties": {
          "imageBase64": { "type": "string", "description": "A data URL (`data:image/png;base64,…`); PNG and JPEG" },
          "minScore": { "type": "number", "default": 0.35 },
          "debugSleepMs": { "type": "integer", "maximum": 60000, "default": 0, "description": "Sleep first (local debugging and contract tests); negative: no sleep" }
        }
      },
      "DetectedObject": {
        "type": "object",
        "required": ["x", "y", "width", "height", "label", "score"],
        "properties": {
          "x": { "type": "integer", "minimum": 0 },
          "y": { "type": "integer", "minimum": 0 },
          "width": { "type": "integer", "minimum": 0 },
          "height": { "type": "integer", "minimum": 0 },
          "label": { "type": "string" },
          "score": { "type": "number", "minimum": 0, "maximum": 1 }
        }
      },
      "Phase": { "enum": ["Pending", "Running", "Succeeded", "Failed"] },
      "PrepareStatusResponse": {
        "type": "object",
        "required": ["runId", "phase", "steps"],
        "properties": {
          "runId": { "type": "string" },
          "phase": { "$ref": "#/components/schemas/Phase" },
          "steps": { "type": "array", "items": { "type": "object", "required": ["name", "status"], "properties": {
            "name": { "type": "string" },
            "status": { "$ref": "#/components/schemas/Phase" },
            "message": { "type": "string" },
            "completedAt": { "type": "string", "format": "date-time" }
          } } },
          "updatedAt": { "type": "string", "format": "date-time" }
        }
      },
      "GpuOption": {
        "type": "object",
        "required": ["id", "name"],
        "properties": {
          "id": { "type": "string" },
          "name": { "type": "string" },
          "memoryGb": { "type": "number" },
          "provider": { "type": "string" },
          "region": { "type": "string" }
        }
      },
      "DeployStatusResponse": {
        "type": "object",
        "required": ["runId", "environment", "phase"],
        "properties": {
          "runId": { "type": "string" },
          "environment": { "type": "string" },
          "phase": { "$ref": "#/components/schemas/Phase" },
          "message": { "type": "string" },
          "version": { "type": "string", "pattern": "^v[0-9]+$" },
          "startedAt": { "type": "string", "format": "date-time" },
          "updatedAt": { "type": "string", "format": "date-time" }
        }
      },
      "Healthz": {
        "type": "object",
        "required": ["ok", "ts", "status", "uptime", "provider", "model", "persistence"],
        "properties": {
          "ok": { "type": "boolean" },
          "ts": { "$ref": "#/components/schemas/EpochMs" },
          "status": { "enum": ["ok", "storage_unavailable"] },
          "uptime": { "type": "number", "minimum": 0 },
          "provider": { "const": "openai-compatible" },
          "model": { "type": "string" },
          "persistence": { "type": "object", "required": ["enabled", "retentionDays"], "properties": {
            "enabled": { "type": "boolean" },
            "retentionDays": { "type": "integer" }
          } }
        }
      },
      "RegexConfig": {
        "type": "object",
        "required": ["pattern", "flags", "source"],
        "properties": {
          "pattern": { "type": "string" },
          "flags": { "type": "string" },
          "source": { "enum": ["kv", "default", "secret"] }
        }
      },
      "VisionRequest": {
        "type": "object",
        "description": "One of `image_url`, `image_base64`, `images` is required; without `prompt`, `prompt_id` or the (namespace, lang) default prompt is used.",
        "anyOf": [{ "required": ["image_url"] }, { "required": ["image_base64"] }, { "required": ["images"] }],
        "properties": {
          "provider": { "enum": ["bigmodel", "openrouter"] },
          "model": { "type": "string" },
          "prompt": { "type": "string" },
          "prompt_id": { "type": ["integer", "string"] },
          "namespace": { "type": "string" },
          "lang": { "type": "string" },
          "image_url": { "type": "string" },
          "image_base64": { "type": "string" },
          "images": { "type": "array", "items": { "type": "string" } },
          "detail": { "enum": ["low", "high", "auto"] },
          "thinking": { "oneOf": [{ "enum": ["enabled", "disabled"] }, { "type": "object", "required": ["type"], "properties": { "type": { "enum": ["enabled", "disabled"] } } }] },
          "stream": { "type": "boolean" }
        }
      },
      "VisionMultipart": {
        "type": "object",
        "description": "The JSON fields as text parts (`images` a JSON string, `stream` truthy unless \"false\"), plus `file`, an image.",
        "properties": {
          "file": { "type": "string", "format": "binary" },
          "provider": { "type": "string" },
          "model": { "type": "string" },
          "prompt": { "type": "string" },
          "image_url": { "type": "string" },
          "images": { "type": "string" },
          "stream": { "type": "string" }
        }
      },
      "Prompt": {
        "type": "object",
        "required": ["id", "namespace", "name", "version", "lang", "text", "tags", "priority", "is_active", "is_default", "created_at", "updated_at"],
        "properties": {
          "id": { "type": "integer", "minimum": 1 },
          "namespace": { "type": "string", "minLength": 1 },
          "name": { "type": "string", "minLength": 1 },
          "version": { "type": "integer", "minimum": 1 },
          "lang": { "type": "string", "minLength": 1 },
          "text": { "type": "string" },
          "tags": { "type": "array", "items": { "type": "string" } },
          "priority": { "type": "integer" },
          "is_active": { "type": "boolean" },
          "is_default": { "type": "boolean" },
          "created_at": { "type": "string", "format": "date-time" },
          "updated_at": { "type": "string", "format": "date-time" }
        }
      },
      "PromptCreate": {
        "type": "object",
        "required": ["namespace", "name", "text"],
        "properties": {
          "namespace": { "type": "string", "minLength": 1, "maxLength": 128 },
          "name": { "type": "string", "minLength": 1, "maxLength": 128 },
          "version": { "type": "integer", "minimum": 1, "maximum": 2147483647, "default": 1 },
          "lang": { "type": "string", "minLength": 1, "maxLength": 128, "default": "en" },
          "text": { "type": "string", "minLength": 1, "maxLength": 20000 },
          "tags": { "type": "array", "items": { "type": "string" } },
          "priority": { "type": "integer", "minimum": -2147483648, "maximum": 2147483647, "default": 0 },
          "is_active": { "type": ["boolean", "integer"], "default": true },
          "make_default": { "type": "boolean", "default": false }
        }
      },
      "PromptPatch": {
        "type": "object",
        "properties": {
          "namespace": { "type": "string", "minLength": 1, "maxLength": 128 },
          "name": { "type": "string", "minLength": 1, "maxLength": 128 },
          "version": { "type": "integer", "minimum": 1, "maximum": 2147483647 },
          "lang": { "type": "string", "minLength": 1, "maxLength": 128 },
          "text": { "type": "string", "minLength": 1, "maxLength": 20000 },
          "tags": { "type": "array", "items": { "type": "string" } },
          "priority": { "type": "integer", "minimum": -2147483648, "maximum": 2147483647 },
          "is_active": { "type": ["boolean", "integer"] }
        }
      },
      "Backup": {
        "type": "object",
        "required": ["exported_at", "count", "prompts"],
        "properties": {
          "exported_at": { "type": "string", "format": "date-time" },
          "count": { "type": "integer", "minimum": 0 },
          "prompts": { "type": "array", "items": { "$ref": "#/components/schemas/Prompt" } }
        }
      }
    }
  }
}
"""#
}
