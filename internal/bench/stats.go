package bench

import (
	"math"
	"slices"
	"time"
)

// percentile returns the nearest-rank p-th percentile (0 < p <= 100) of
// sorted, which must be in ascending order: the smallest sample such that at
// least p percent of all samples are less than or equal to it. It returns 0
// for no samples.
func percentile(sorted []time.Duration, p float64) time.Duration {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(n)))
	if rank < 1 {
		rank = 1
	}
	if rank > n {
		rank = n
	}
	return sorted[rank-1]
}

// setLatencies sorts samples in place and fills the latency fields of r.
func (r *Result) setLatencies(samples []time.Duration) {
	slices.Sort(samples)
	r.P50Ms = millis(percentile(samples, 50))
	r.P90Ms = millis(percentile(samples, 90))
	r.P99Ms = millis(percentile(samples, 99))
	if n := len(samples); n > 0 {
		r.MaxMs = millis(samples[n-1])
	} else {
		r.MaxMs = 0
	}
}

// setWindow fills Seconds and MessagesPerSec from the sending window and
// r.Messages.
func (r *Result) setWindow(d time.Duration) {
	r.Seconds = round(d.Seconds(), 3)
	r.MessagesPerSec = 0
	if d > 0 {
		r.MessagesPerSec = round(float64(r.Messages)/d.Seconds(), 1)
	}
}

// millis converts d to milliseconds, to microsecond precision.
func millis(d time.Duration) float64 {
	return round(float64(d)/float64(time.Millisecond), 3)
}

// round rounds x to the given number of decimal places.
func round(x float64, places int) float64 {
	p := math.Pow10(places)
	return math.Round(x*p) / p
}

// setAnswers fills the answer fields of r from the question-to-reply
// latencies, sorting them in place.
func (r *Result) setAnswers(samples []time.Duration) {
	slices.Sort(samples)
	r.Answers = len(samples)
	r.AnswerP50Ms = millis(percentile(samples, 50))
	r.AnswerP99Ms = millis(percentile(samples, 99))
}

// setDelivery fills the delivery fields of r from the send-to-agent
// latencies, sorting them in place.
func (r *Result) setDelivery(samples []time.Duration) {
	slices.Sort(samples)
	r.Delivered = len(samples)
	r.DeliveryP50Ms = millis(percentile(samples, 50))
	r.DeliveryP99Ms = millis(percentile(samples, 99))
}
