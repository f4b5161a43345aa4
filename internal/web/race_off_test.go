//go:build !race

package web_test

// raceEnabled is set when the tests run with -race.
const raceEnabled = false
