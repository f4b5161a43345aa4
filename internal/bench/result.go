package bench

// Result is what a Run measured. Latencies are acknowledgement latencies of
// successfully sent messages, in milliseconds.
type Result struct {
	// Users is the number of simulated users.
	Users int `json:"users"`
	// Messages is the number of messages acknowledged by the server.
	Messages int `json:"messages"`
	// Errors is the number of messages that failed even after their retry.
	Errors int `json:"errors"`
	// Seconds is the length of the sending phase (conversation and
	// WebSocket setup excluded).
	Seconds float64 `json:"seconds"`
	// MessagesPerSec is Messages / Seconds.
	MessagesPerSec float64 `json:"messages_per_sec"`
	// P50Ms, P90Ms and P99Ms are nearest-rank percentiles over all
	// acknowledgement latencies; MaxMs is the largest one.
	P50Ms float64 `json:"p50_ms"`
	P90Ms float64 `json:"p90_ms"`
	P99Ms float64 `json:"p99_ms"`
	MaxMs float64 `json:"max_ms"`
	// WSReceived is the number of the users' own (inbound) messages
	// received on their contact WebSockets; zero unless Options.WebSocket.
	WSReceived int `json:"ws_received,omitempty"`
	// Answers is the number of bot replies timed (with Options.Questions);
	// AnswerP50Ms and AnswerP99Ms are from the start of sending a question
	// to its reply arriving on the user's contact WebSocket.
	Answers     int     `json:"answers,omitempty"`
	AnswerP50Ms float64 `json:"answer_p50_ms,omitempty"`
	AnswerP99Ms float64 `json:"answer_p99_ms,omitempty"`
	// Delivered is the number of the users' messages seen on the agent
	// WebSocket (with Options.AgentToken); DeliveryP50Ms and DeliveryP99Ms
	// are from the start of sending a message to its event arriving there.
	Delivered     int     `json:"delivered,omitempty"`
	DeliveryP50Ms float64 `json:"delivery_p50_ms,omitempty"`
	DeliveryP99Ms float64 `json:"delivery_p99_ms,omitempty"`
}
