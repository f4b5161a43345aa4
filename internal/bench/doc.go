// Package bench drives a Huiying server with simulated chat users and
// measures intake throughput and acknowledgement latency.
//
// It speaks only the server's public chat API, the same one the web widget
// uses: every simulated user creates a conversation in a widget inbox, then
// sends messages one after another, waiting for each acknowledgement like a
// real client does. Optionally every user also holds its contact WebSocket
// and counts its own messages as the server echoes them back.
package bench
