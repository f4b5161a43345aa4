package linalg

import "sync"

// minRowsPerWorker keeps each goroutine's share of a product at least one
// register block of rows (the kernels hold up to 6 rows), so splitting
// never costs more than it saves.
const minRowsPerWorker = 4

// ParallelMatMulAdd is MatMulAdd with the rows of out split among up to
// workers goroutines, each multiplying its rows by all of w. It returns
// when all are done. One question's product uses both cores of a small
// machine this way; with workers <= 1, or too few rows to share, it is
// MatMulAdd.
func ParallelMatMulAdd(out, x, w []float32, t, k, n, workers int) {
	workers = min(workers, t/minRowsPerWorker)
	if workers <= 1 {
		MatMulAdd(out, x, w, t, k, n)
		return
	}
	var wg sync.WaitGroup
	lo := 0
	for i := range workers {
		hi := t * (i + 1) / workers
		rows := hi - lo
		o, xi := out[lo*n:hi*n], x[lo*k:hi*k]
		if i == workers-1 {
			MatMulAdd(o, xi, w, rows, k, n)
		} else {
			wg.Go(func() { MatMulAdd(o, xi, w, rows, k, n) })
		}
		lo = hi
	}
	wg.Wait()
}
