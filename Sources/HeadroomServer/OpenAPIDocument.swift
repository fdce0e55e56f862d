/// The OpenAPI 3.1 description of every endpoint, served at `/api/v1/openapi.json`.
enum OpenAPIDocument {
    static let json = """
        {
          "openapi": "3.1.0",
          "info": {"title": "Headroom", "version": "1", "description": "Resource early warning for GPU inference services: metrics, health, readiness gate, alerts, and the recorded history in the Prometheus HTTP API's shapes."},
          "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
              "Alert": {"type": "object", "required": ["rule", "severity", "state", "metric", "labels", "value", "since", "fingerprint", "gate"],
                "properties": {
                  "rule": {"type": "string"}, "severity": {"type": "string", "enum": ["info", "warning", "critical"]},
                  "state": {"type": "string", "enum": ["firing"]}, "metric": {"type": "string"},
                  "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                  "value": {"type": ["number", "null"]}, "peak": {"type": ["number", "null"]}, "threshold": {"type": ["number", "null"]},
                  "since": {"type": "string", "format": "date-time"}, "fired_at": {"type": ["string", "null"], "format": "date-time"},
                  "fingerprint": {"type": "string"}, "gate": {"type": "boolean"}, "detail": {"type": ["string", "null"]},
                  "trend": {"type": "object", "properties": {"slope_per_second": {"type": "number"}, "seconds_to_exhaustion": {"type": "number"}, "capacity": {"type": "number"}, "r2": {"type": "number"}}}}},
              "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
              "PrometheusResponse": {"type": "object", "required": ["status"], "properties": {
                "status": {"type": "string", "enum": ["success", "error"]}, "data": {}, "errorType": {"type": "string"}, "error": {"type": "string"}}}
            }
          },
          "paths": {
            "/metrics": {"get": {"summary": "Prometheus text 0.0.4, or OpenMetrics 1.0 when Accept asks for application/openmetrics-text",
              "responses": {"200": {"description": "The latest sample", "content": {"text/plain": {"schema": {"type": "string"}}, "application/openmetrics-text": {"schema": {"type": "string"}}}}}}},
            "/healthz": {"get": {"summary": "Liveness: the sampling loop is alive",
              "responses": {"200": {"description": "Alive", "content": {"application/json": {"schema": {"type": "object"}}}},
                            "503": {"description": "The latest sample is too old", "content": {"application/json": {"schema": {"type": "object"}}}}}}},
            "/readyz": {"get": {"summary": "Readiness gate: 503 while an alert of a rule with gate: true fires",
              "responses": {"200": {"description": "Ready", "content": {"application/json": {"schema": {"type": "object"}}}},
                            "503": {"description": "Not ready; reason and alerts in the body", "content": {"application/json": {"schema": {"type": "object"}}}}}}},
            "/": {"get": {"summary": "The dashboard: a page embedded in the binary that reads this API (same origin only)",
              "responses": {"200": {"description": "The page", "content": {"text/html": {"schema": {"type": "string"}}}}, "304": {"description": "Not modified (If-None-Match)"}}}},
            "/assets/{file}": {"get": {"summary": "The dashboard's script, style, icon and chart library (dygraphs, with its licence)",
              "parameters": [{"name": "file", "in": "path", "required": true, "schema": {"type": "string"}}],
              "responses": {"200": {"description": "The file"}, "304": {"description": "Not modified (If-None-Match)"}, "404": {"description": "No such asset"}}}},
            "/api/v1/status": {"get": {"summary": "The latest round as JSON, with the rules' thresholds, readiness and the daemon's own cost",
              "responses": {"200": {"description": "Status", "content": {"application/json": {"schema": {"type": "object",
                "required": ["hostname", "started_at", "uptime_seconds", "interval_seconds", "ready", "firing_alerts", "collectors", "samples", "rules", "process"],
                "properties": {
                  "hostname": {"type": "string"}, "time": {"type": ["string", "null"], "format": "date-time"},
                  "started_at": {"type": "string", "format": "date-time"}, "uptime_seconds": {"type": "number"},
                  "interval_seconds": {"type": "number"}, "ready": {"type": "boolean"}, "ready_reason": {"type": ["string", "null"]},
                  "firing_alerts": {"type": "integer"},
                  "collectors": {"type": "array", "items": {"type": "object", "properties": {"collector": {"type": "string"}, "ok": {"type": "boolean"}, "duration_seconds": {"type": "number"}, "reason": {"type": "string"}}}},
                  "samples": {"type": "array", "items": {"type": "object", "required": ["name", "labels", "kind"], "properties": {
                    "name": {"type": "string"}, "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                    "value": {"type": ["number", "null"]}, "kind": {"type": "string", "enum": ["gauge", "counter"]}, "detail": {"type": "string"}}}},
                  "rules": {"type": "array", "items": {"type": "object", "required": ["name", "metric", "selector", "matchers", "condition", "severity", "gate"], "properties": {
                    "name": {"type": "string"}, "metric": {"type": "string"}, "selector": {"type": "string"},
                    "matchers": {"type": "array", "items": {"type": "object", "properties": {"label": {"type": "string"}, "op": {"type": "string", "enum": ["=", "!=", "=~", "!~"]}, "value": {"type": "string"}}}},
                    "condition": {"type": "string", "description": "> ≥ < ≤, increased or trend"}, "threshold": {"type": ["number", "null"]},
                    "clear": {"type": ["number", "null"]}, "severity": {"type": "string", "enum": ["info", "warning", "critical"]}, "gate": {"type": "boolean"}}}},
                  "process": {"type": "object", "properties": {"resident_bytes": {"type": ["number", "null"]}, "cpu_seconds": {"type": ["number", "null"]}}}}}}}}}}},
            "/api/v1/alerts": {"get": {"summary": "Alerts firing now",
              "responses": {"200": {"description": "Alerts", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Alert"}}}}}}}},
            "/api/v1/alerts/history": {"get": {"summary": "Recorded alert changes, notification outcomes and incidents in a range (headroom history's JSON)",
              "parameters": [
                  {"name": "from", "in": "query", "schema": {"type": "string"}, "description": "RFC 3339, Unix seconds, or a duration before now; default 6h"},
                  {"name": "to", "in": "query", "schema": {"type": "string"}, "description": "default now"},
                  {"name": "category", "in": "query", "schema": {"type": "string", "enum": ["alert", "notification", "incident"]}},
                  {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100000}, "description": "the newest this many; default 10000"}],
              "responses": {"200": {"description": "Events, oldest first", "content": {"application/json": {"schema": {"type": "array", "items": {"type": "object",
                  "properties": {"time": {"type": "string"}, "category": {"type": "string"}, "kind": {"type": "string"}, "rule": {"type": ["string", "null"]},
                                 "severity": {"type": ["string", "null"]}, "labels": {"type": "object"}, "channel": {"type": ["string", "null"]},
                                 "outcome": {"type": ["string", "null"]}, "detail": {"type": "string"}}}}}}},
                            "400": {"description": "Bad from, to, category or limit", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                            "503": {"description": "History disabled or unreadable", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}},
            "/api/v1/silences": {
              "get": {"summary": "Silences", "responses": {"200": {"description": "Silences", "content": {"application/json": {"schema": {"type": "array"}}}}}},
              "post": {"summary": "Create a silence", "security": [{"bearer": []}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["matchers"],
                  "properties": {"matchers": {"type": "array", "items": {"type": "string"}, "example": ["alertname=gpu_memory_critical", "gpu=~0|1"]},
                                 "duration": {"type": "string", "example": "2h"}, "comment": {"type": "string"}, "created_by": {"type": "string"},
                                 "id": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", "description": "Chosen by the client, so that a create sent again (after a timeout or a 503) is applied once"}}}}}},
                "responses": {"201": {"description": "Created; the body holds the new silence id"}, "200": {"description": "That id's silence, with the same matchers, duration, comment and author, is running already: nothing changed"},
                              "409": {"description": "The id names another silence, or one that has ended", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                              "400": {"description": "Invalid matcher, duration or id", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}, "401": {"description": "Missing or wrong token", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                              "403": {"description": "No token configured: mutations disabled", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                              "503": {"description": "server.token_file cannot be read, or the silences file's disk does not answer (the create may still be applied once it does)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                              "501": {"description": "No state directory: silences unavailable", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}},
            "/api/v1/silences/{id}": {"delete": {"summary": "Expire a silence", "security": [{"bearer": []}],
              "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
              "responses": {"200": {"description": "Expired"}, "401": {"description": "Missing or wrong token"}, "403": {"description": "Mutations disabled"}, "404": {"description": "No active silence with that id"}, "503": {"description": "server.token_file cannot be read"}}}},
            "/api/v1/query_range": {
              "get": {"summary": "Prometheus-style range query of a metric selector over the recorded history", "parameters": [
                  {"name": "query", "in": "query", "required": true, "schema": {"type": "string"}, "example": "headroom_gpu_memory_used_bytes{gpu=\\"0\\"}"},
                  {"name": "start", "in": "query", "required": true, "schema": {"type": "string"}, "description": "Unix seconds or RFC 3339"},
                  {"name": "end", "in": "query", "required": true, "schema": {"type": "string"}},
                  {"name": "step", "in": "query", "required": true, "schema": {"type": "string"}, "example": "15s"}],
                "responses": {"200": {"description": "resultType matrix", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PrometheusResponse"}}}},
                              "400": {"description": "bad_data: not a selector, bad parameters, more than 11,000 steps", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PrometheusResponse"}}}},
                              "503": {"description": "history is disabled", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PrometheusResponse"}}}}}},
              "post": {"summary": "As GET, parameters in an application/x-www-form-urlencoded body", "responses": {"200": {"description": "resultType matrix"}}}},
            "/api/v1/query": {
              "get": {"summary": "Prometheus-style instant query: a vector, or a scalar for arithmetic on numbers such as 1+1", "parameters": [
                  {"name": "query", "in": "query", "required": true, "schema": {"type": "string"}},
                  {"name": "time", "in": "query", "schema": {"type": "string"}, "description": "Unix seconds or RFC 3339; default now"}],
                "responses": {"200": {"description": "resultType vector or scalar", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PrometheusResponse"}}}},
                              "400": {"description": "bad_data"}, "503": {"description": "history is disabled"}}},
              "post": {"summary": "As GET, parameters in a form body", "responses": {"200": {"description": "resultType vector or scalar"}}}},
            "/api/v1/series": {
              "get": {"summary": "Label sets of the series match[] selects", "parameters": [
                  {"name": "match[]", "in": "query", "required": true, "schema": {"type": "array", "items": {"type": "string"}}},
                  {"name": "start", "in": "query", "schema": {"type": "string"}}, {"name": "end", "in": "query", "schema": {"type": "string"}}],
                "responses": {"200": {"description": "Label sets", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PrometheusResponse"}}}},
                              "400": {"description": "bad_data"}, "503": {"description": "history is disabled"}}},
              "post": {"summary": "As GET, parameters in a form body", "responses": {"200": {"description": "Label sets"}}}},
            "/api/v1/labels": {
              "get": {"summary": "Label names of the recorded series (those match[] selects, if given)", "responses": {"200": {"description": "Names"}, "503": {"description": "history is disabled"}}},
              "post": {"summary": "As GET, parameters in a form body", "responses": {"200": {"description": "Names"}}}},
            "/api/v1/label/{name}/values": {
              "get": {"summary": "Values of one label (__name__: the metric names)", "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "Values"}, "400": {"description": "Not a label name"}, "503": {"description": "history is disabled"}}},
              "post": {"summary": "As GET, parameters in a form body", "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}}], "responses": {"200": {"description": "Values"}}}},
            "/api/v1/status/buildinfo": {"get": {"summary": "Build information in Prometheus's shape (Grafana probes it)", "responses": {"200": {"description": "Build information"}}}},
            "/api/v1/openapi.json": {"get": {"summary": "This document", "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {"schema": {"type": "object"}}}}}}}
          }
        }
        """
}
