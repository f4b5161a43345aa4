package linalg

// matMulAddGo is the portable kernel: for each row of w it updates every
// output row, so a row of w is read from memory once per call.
func matMulAddGo(out, x, w []float32, t, k, n int) {
	matMulAddGoCols(out, x, w, t, k, n, 0, n)
}

// matMulAddGoCols is matMulAddGo restricted to the output columns j0..j1-1.
func matMulAddGoCols(out, x, w []float32, t, k, n, j0, j1 int) {
	for p := 0; p < k; p++ {
		row := w[p*n+j0 : p*n+j1]
		for i := 0; i < t; i++ {
			a := x[i*k+p]
			o := out[i*n+j0 : i*n+j1]
			for j, v := range row {
				o[j] += a * v
			}
		}
	}
}
