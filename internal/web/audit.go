package web

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/audit"
	"github.com/huiying/huiying/internal/web/httpx"
)

// audited reports whether a call is a change to record: every agent route
// but reads and typing indicators (which change nothing).
func audited(r *http.Request, rt Route) bool {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	return !strings.HasSuffix(rt.Path, "/typing")
}

// auditCapture is how much of a request and response body the audit log
// looks at (for the changed fields and the created object's id).
const auditCapture = 16 << 10

// auditRecorder remembers the status and the start of the body.
type auditRecorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (w *auditRecorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *auditRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if room := auditCapture - w.body.Len(); room > 0 {
		w.body.Write(b[:min(room, len(b))])
	}
	return w.ResponseWriter.Write(b)
}

func (w *auditRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// teeBody keeps the first auditCapture bytes the handler reads.
type teeBody struct {
	io.ReadCloser
	buf *bytes.Buffer
}

func (t teeBody) Read(p []byte) (int, error) {
	n, err := t.ReadCloser.Read(p)
	if room := auditCapture - t.buf.Len(); room > 0 && n > 0 {
		t.buf.Write(p[:min(room, n)])
	}
	return n, err
}

// auditedCall runs the handler and, when it succeeded, records the call
// with the route pattern as the action.
func (s *Server) auditedCall(w http.ResponseWriter, r *http.Request, rt Route, c caller) {
	var reqBody bytes.Buffer
	if r.Body != nil && strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		r.Body = teeBody{r.Body, &reqBody}
	}
	rec := &auditRecorder{ResponseWriter: w}
	rt.Handler(rec, r)
	if rec.status == 0 || rec.status >= 400 {
		return
	}
	targetType, targetID := auditTarget(r, rt, c)
	details := map[string]any{"status": rec.status}
	for _, name := range []string{"attachment_id", "agent_id"} {
		if v := r.PathValue(name); v != "" {
			details[name] = v
		}
	}
	if r.Method == http.MethodPatch {
		if ch := changedFields(reqBody.Bytes()); len(ch) > 0 {
			details["changes"] = ch
		}
	}
	if targetID == "" && r.Method == http.MethodPost {
		targetID = createdID(rec.body.Bytes())
	}
	if r.Method == http.MethodPost && strings.HasSuffix(rt.Path, "/messages") {
		var m struct {
			Private bool `json:"private"`
		}
		_ = json.Unmarshal(reqBody.Bytes(), &m)
		details["private"] = m.Private // a note, not a reply
	}
	s.recordAudit(r, audit.Entry{ActorType: c.Via, ActorID: c.Agent.ID, ActorEmail: c.Agent.Email,
		Action: rt.Method + " " + rt.Path, TargetType: targetType, TargetID: targetID, Details: details})
}

// recordAudit writes an entry with the request's address and user agent.
// A failure is logged: the change it describes has happened already.
func (s *Server) recordAudit(r *http.Request, e audit.Entry) {
	if s.DB == nil {
		return
	}
	e.At = s.Now()
	e.IP, e.UserAgent = clientIP(r), r.UserAgent()
	if err := audit.Record(r.Context(), s.DB, e); err != nil {
		s.log.Error("audit log", "action", e.Action, "err", err)
	}
}

// auditTarget names what a route changes, from its path.
func auditTarget(r *http.Request, rt Route, c caller) (string, string) {
	rest := strings.TrimPrefix(rt.Path, "/api/v1/")
	first, _, _ := strings.Cut(rest, "/")
	kind := map[string]string{
		"conversations": "conversation", "agents": "agent", "teams": "team", "inboxes": "inbox",
		"canned_replies": "canned_reply", "contacts": "contact", "me": "agent", "tokens": "token",
	}[first]
	if first == "me" {
		return kind, c.Agent.ID
	}
	return kind, r.PathValue("id")
}

// changedFields lists a PATCH body's fields, with short plain values.
func changedFields(body []byte) map[string]any {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return nil
	}
	out := map[string]any{}
	for k, raw := range m {
		var v any
		_ = json.Unmarshal(raw, &v)
		switch v := v.(type) {
		case string:
			if len(v) <= 100 && !strings.Contains(k, "password") {
				out[k] = v
				continue
			}
		case bool, float64, nil:
			out[k] = v
			continue
		}
		out[k] = "(changed)"
	}
	return out
}

// createdID finds the id of what a POST created in its answer.
func createdID(body []byte) string {
	var v struct {
		ID    string `json:"id"`
		Agent struct {
			ID string `json:"id"`
		} `json:"agent"`
	}
	if json.Unmarshal(body, &v) != nil {
		return ""
	}
	if v.ID != "" {
		return v.ID
	}
	return v.Agent.ID
}

// clientIP is the address the request came from (httpx.ClientIP).
func clientIP(r *http.Request) string { return httpx.ClientIP(r) }

// auditFilter reads the query of the audit routes.
func auditFilter(r *http.Request) (audit.Filter, error) {
	q := r.URL.Query()
	f := audit.Filter{ActorID: q.Get("actor_id"), Action: q.Get("action")}
	var err error
	if f.Since, err = parseTimeParam(q, "since"); err != nil {
		return f, err
	}
	if f.Until, err = parseTimeParam(q, "until"); err != nil {
		return f, err
	}
	for _, p := range []struct {
		name string
		dst  *int64
	}{{"before", &f.Before}, {"limit", nil}} {
		v := q.Get(p.name)
		if v == "" {
			continue
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			return f, apperr.New(apperr.Invalid, "%s must be a positive whole number", p.name)
		}
		if p.dst != nil {
			*p.dst = n
		} else {
			f.Limit = int(min(n, audit.ExportLimit))
		}
	}
	return f, nil
}

// parseTimeParam accepts Unix milliseconds or RFC 3339 (a date alone is
// its midnight UTC).
func parseTimeParam(q map[string][]string, name string) (time.Time, error) {
	vs := q[name]
	if len(vs) == 0 || vs[0] == "" {
		return time.Time{}, nil
	}
	v := vs[0]
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.UnixMilli(n), nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, apperr.New(apperr.Invalid, "%s must be Unix milliseconds or a date/time like 2026-01-31T15:04:05Z", name)
}

// listAudit answers GET /api/v1/audit: entries newest first; page back
// with before=<id of the last entry>.
func (s *Server) listAudit(w http.ResponseWriter, r *http.Request) {
	f, err := auditFilter(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	es, err := audit.List(r.Context(), s.DB, f, audit.MaxLimit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{"entries": es})
}

// auditCSVColumns are the export's columns, in order.
var auditCSVColumns = []string{"id", "at", "actor_type", "actor_id", "actor_email", "action", "target_type", "target_id", "ip", "user_agent", "details"}

// exportAudit answers GET /api/v1/audit/export: the same filters, as a
// CSV download (at most audit.ExportLimit rows).
func (s *Server) exportAudit(w http.ResponseWriter, r *http.Request) {
	f, err := auditFilter(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if f.Limit == 0 {
		f.Limit = audit.ExportLimit
	}
	es, err := audit.List(r.Context(), s.DB, f, audit.ExportLimit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="huiying-audit-`+time.Now().UTC().Format("20060102-150405")+`.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	cw := csv.NewWriter(w)
	_ = cw.Write(auditCSVColumns)
	for _, e := range es {
		details, _ := json.Marshal(e.Details)
		row := []string{strconv.FormatInt(e.ID, 10), e.At.Format(time.RFC3339Nano), e.ActorType, e.ActorID, e.ActorEmail,
			e.Action, e.TargetType, e.TargetID, e.IP, e.UserAgent, string(details)}
		for i := range row {
			row[i] = csvSafe(row[i])
		}
		_ = cw.Write(row)
	}
	cw.Flush()
}

// csvSafe keeps a spreadsheet from reading a cell as a formula.
func csvSafe(v string) string {
	if v != "" && slices.Contains([]byte("=+-@\t\r"), v[0]) {
		return "'" + v
	}
	return v
}
