package web

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

// oaDoc is the part of the OpenAPI document the tests look at; everything
// else is kept as raw JSON.
type oaDoc struct {
	OpenAPI    string                      `json:"openapi"`
	Info       map[string]any              `json:"info"`
	Paths      map[string]map[string]oaRaw `json:"paths"`
	Components oaComponents                `json:"components"`
}

type oaRaw = json.RawMessage

type oaComponents struct {
	Schemas         map[string]json.RawMessage `json:"schemas"`
	Parameters      map[string]oaParam         `json:"parameters"`
	Responses       map[string]json.RawMessage `json:"responses"`
	SecuritySchemes map[string]json.RawMessage `json:"securitySchemes"`
}

type oaParam struct {
	Ref      string          `json:"$ref"`
	Name     string          `json:"name"`
	In       string          `json:"in"`
	Required bool            `json:"required"`
	Schema   json.RawMessage `json:"schema"`
}

type oaOperation struct {
	Summary     string                 `json:"summary"`
	Description string                 `json:"description"`
	Parameters  []oaParam              `json:"parameters"`
	Security    *[]map[string][]string `json:"security"`
	Responses   map[string]oaRaw       `json:"responses"`
	Access      string                 `json:"x-huiying-access"`
}

// oaMethods are the path-item keys that name operations.
var oaMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

var oaAccessNames = map[Access]string{
	Public: "public", Contact: "contact", Agent: "agent", Supervisor: "supervisor", Admin: "admin",
}

func oaLoad(t *testing.T) oaDoc {
	t.Helper()
	if !json.Valid(openapiJSON) {
		t.Fatal("openapi.json is not valid JSON")
	}
	var d oaDoc
	dec := json.NewDecoder(bytes.NewReader(openapiJSON))
	if err := dec.Decode(&d); err != nil {
		t.Fatalf("decode openapi.json: %v", err)
	}
	return d
}

func oaServer() *Server {
	return New(Deps{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
}

// oaOperations returns the document's operations keyed by "METHOD PATH".
func oaOperations(t *testing.T, d oaDoc) (map[string]oaOperation, map[string][]oaParam) {
	t.Helper()
	ops := map[string]oaOperation{}
	pathParams := map[string][]oaParam{}
	for path, item := range d.Paths {
		for key, raw := range item {
			if key == "parameters" {
				var ps []oaParam
				if err := json.Unmarshal(raw, &ps); err != nil {
					t.Fatalf("%s: parameters: %v", path, err)
				}
				pathParams[path] = ps
				continue
			}
			if !slices.Contains(oaMethods, key) {
				continue // summary, description, servers, x-…
			}
			var op oaOperation
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatalf("%s %s: %v", key, path, err)
			}
			ops[strings.ToUpper(key)+" "+path] = op
		}
	}
	return ops, pathParams
}

// oaPathOf converts a net/http pattern path to an OpenAPI path template:
// "{name...}" becomes "{name}" and a trailing "{$}" is dropped.
func oaPathOf(pattern string) string {
	p := strings.TrimSuffix(pattern, "{$}")
	return regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_]*)\.\.\.\}`).ReplaceAllString(p, "{$1}")
}

func TestOpenAPIDocumentIsValidJSON31(t *testing.T) {
	d := oaLoad(t)
	if d.OpenAPI != "3.1.0" {
		t.Errorf("openapi = %q, want 3.1.0", d.OpenAPI)
	}
	if d.Info["title"] == nil || d.Info["version"] == nil {
		t.Error("info needs a title and a version")
	}
	for _, name := range []string{"Conversation", "Message", "Contact", "Inbox", "Agent", "Team", "Event", "Error", "Ack", "AttachmentRef",
		"ConversationSummary", "ConversationCounts", "CannedReply", "Session"} {
		if _, ok := d.Components.Schemas[name]; !ok {
			t.Errorf("components.schemas has no %s", name)
		}
	}
	for _, name := range []string{"contactToken", "apiToken"} {
		var s struct{ Type, Scheme string }
		raw, ok := d.Components.SecuritySchemes[name]
		if !ok {
			t.Errorf("components.securitySchemes has no %s", name)
			continue
		}
		if err := json.Unmarshal(raw, &s); err != nil || s.Type != "http" || s.Scheme != "bearer" {
			t.Errorf("security scheme %s is not http bearer: %s", name, raw)
		}
	}
}

func TestOpenAPIRefsResolve(t *testing.T) {
	var doc any
	if err := json.Unmarshal(openapiJSON, &doc); err != nil {
		t.Fatal(err)
	}
	var walk func(v any, at string)
	walk = func(v any, at string) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok {
				if _, err := oaPointer(doc, ref); err != nil {
					t.Errorf("%s: $ref %q: %v", at, ref, err)
				}
			}
			for k, c := range v {
				walk(c, at+"/"+k)
			}
		case []any:
			for _, c := range v {
				walk(c, at+"/[]")
			}
		}
	}
	walk(doc, "#")
}

// oaPointer resolves a local JSON pointer reference such as
// "#/components/schemas/Message".
func oaPointer(doc any, ref string) (any, error) {
	rest, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil, errNotLocal
	}
	cur := doc
	for _, tok := range strings.Split(rest, "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, errDangling
		}
		if cur, ok = m[tok]; !ok {
			return nil, errDangling
		}
	}
	return cur, nil
}

type oaErr string

func (e oaErr) Error() string { return string(e) }

const (
	errNotLocal oaErr = "not a local reference"
	errDangling oaErr = "points at nothing"
)

func TestOpenAPICoversRouteTable(t *testing.T) {
	d := oaLoad(t)
	ops, _ := oaOperations(t, d)
	s := oaServer()
	inTable := map[string]bool{}
	for _, rt := range s.Routes() {
		key := rt.Method + " " + oaPathOf(rt.Path)
		inTable[key] = true
		op, ok := ops[key]
		if !ok {
			t.Errorf("route %s %s is not in openapi.json", rt.Method, rt.Path)
			continue
		}
		if op.Summary == "" {
			t.Errorf("%s has no summary", key)
		}
		if len(op.Responses) == 0 {
			t.Errorf("%s has no responses", key)
		}
		want, known := oaAccessNames[rt.Access]
		if !known {
			t.Errorf("%s: access level %d has no name in this test", key, rt.Access)
		} else if op.Access != want {
			t.Errorf("%s: x-huiying-access = %q, the route table says %q", key, op.Access, want)
		}
	}
	var stale []string
	for key := range ops {
		if !inTable[key] {
			stale = append(stale, key)
		}
	}
	sort.Strings(stale)
	for _, key := range stale {
		t.Errorf("openapi.json documents %s, which is not in the route table", key)
	}
}

var oaTemplateParam = regexp.MustCompile(`\{([^{}]+)\}`)

func TestOpenAPIPathParametersDeclared(t *testing.T) {
	d := oaLoad(t)
	ops, pathParams := oaOperations(t, d)
	resolve := func(p oaParam) oaParam {
		if name, ok := strings.CutPrefix(p.Ref, "#/components/parameters/"); ok {
			def, found := d.Components.Parameters[name]
			if !found {
				t.Errorf("parameter $ref %q points at nothing", p.Ref)
			}
			return def
		}
		return p
	}
	for key, op := range ops {
		path := key[strings.IndexByte(key, ' ')+1:]
		declared := map[string]bool{}
		for _, p := range append(slices.Clone(pathParams[path]), op.Parameters...) {
			p = resolve(p)
			if p.Name == "" || p.In == "" {
				t.Errorf("%s: a parameter has no name or no 'in'", key)
				continue
			}
			if len(p.Schema) == 0 {
				t.Errorf("%s: parameter %s has no schema (type)", key, p.Name)
			}
			if p.In != "path" {
				continue
			}
			if !p.Required {
				t.Errorf("%s: path parameter %s must be required", key, p.Name)
			}
			declared[p.Name] = true
		}
		inTemplate := map[string]bool{}
		for _, m := range oaTemplateParam.FindAllStringSubmatch(path, -1) {
			inTemplate[m[1]] = true
			if !declared[m[1]] {
				t.Errorf("%s: path parameter {%s} is not declared in parameters", key, m[1])
			}
		}
		for name := range declared {
			if !inTemplate[name] {
				t.Errorf("%s: declares path parameter %s, which the path does not have", key, name)
			}
		}
	}
}

func TestOpenAPISecurityMatchesAccess(t *testing.T) {
	d := oaLoad(t)
	ops, _ := oaOperations(t, d)
	s := oaServer()
	for _, rt := range s.Routes() {
		key := rt.Method + " " + oaPathOf(rt.Path)
		op, ok := ops[key]
		if !ok {
			continue // reported by TestOpenAPICoversRouteTable
		}
		if rt.Access == Public {
			if op.Security != nil && slices.ContainsFunc(*op.Security, func(r map[string][]string) bool { return len(r) > 0 }) {
				t.Errorf("%s is public but declares security", key)
			}
			continue
		}
		if op.Security == nil || len(*op.Security) == 0 {
			t.Errorf("%s needs %s access but declares no security", key, oaAccessNames[rt.Access])
			continue
		}
		schemes := map[string][]string{}
		for _, req := range *op.Security {
			for name, scopes := range req {
				if _, ok := d.Components.SecuritySchemes[name]; !ok {
					t.Errorf("%s: security scheme %q is not in components.securitySchemes", key, name)
				}
				schemes[name] = scopes
			}
		}
		if len(schemes) == 0 {
			t.Errorf("%s: security has only empty requirements", key)
		}
		switch rt.Access {
		case Contact:
			if _, ok := schemes["contactToken"]; !ok {
				t.Errorf("%s: a contact route must accept contactToken", key)
			}
			if _, ok := schemes["apiToken"]; ok {
				t.Errorf("%s: a contact route must not list apiToken", key)
			}
		default:
			scopes, ok := schemes["apiToken"]
			if !ok {
				t.Errorf("%s: an agent route must require apiToken", key)
				continue
			}
			if want := oaAccessNames[rt.Access]; !slices.Equal(scopes, []string{want}) {
				t.Errorf("%s: apiToken roles = %v, want [%s]", key, scopes, want)
			}
			// The console's session cookie works on every agent route.
			if scopes, ok := schemes["sessionCookie"]; !ok {
				t.Errorf("%s: an agent route must accept sessionCookie", key)
			} else if want := oaAccessNames[rt.Access]; !slices.Equal(scopes, []string{want}) {
				t.Errorf("%s: sessionCookie roles = %v, want [%s]", key, scopes, want)
			}
			if _, ok := schemes["contactToken"]; ok {
				t.Errorf("%s: an agent route must not list contactToken", key)
			}
		}
		if _, ok := op.Responses["401"]; !ok {
			t.Errorf("%s needs authentication but documents no 401", key)
		}
	}
}

func TestOpenAPISessionCookieScheme(t *testing.T) {
	d := oaLoad(t)
	var sc struct{ Type, In, Name string }
	raw, ok := d.Components.SecuritySchemes["sessionCookie"]
	if !ok {
		t.Fatal("components.securitySchemes has no sessionCookie")
	}
	if err := json.Unmarshal(raw, &sc); err != nil || sc.Type != "apiKey" || sc.In != "cookie" || sc.Name != sessionCookie {
		t.Errorf("sessionCookie is not an apiKey in the cookie %s: %s", sessionCookie, raw)
	}
	// Every write an agent route takes documents the CSRF header and the
	// 403 it answers without it.
	ops, _ := oaOperations(t, d)
	for _, rt := range oaServer().Routes() {
		if rt.Access < Agent || rt.Method == http.MethodGet {
			continue
		}
		key := rt.Method + " " + oaPathOf(rt.Path)
		op, ok := ops[key]
		if !ok {
			continue
		}
		if !slices.ContainsFunc(op.Parameters, func(p oaParam) bool { return p.Ref == "#/components/parameters/CsrfToken" }) {
			t.Errorf("%s: does not list the X-CSRF-Token parameter", key)
		}
		if _, ok := op.Responses["403"]; !ok {
			t.Errorf("%s: documents no 403 (csrf)", key)
		}
	}
}

func TestOpenAPIServed(t *testing.T) {
	h := oaServer().Handler()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/openapi.json", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /api/v1/openapi.json: status %d", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q", ct)
	}
	if !bytes.Equal(rec.Body.Bytes(), openapiJSON) {
		t.Error("the served document differs from openapi.json")
	}
}
